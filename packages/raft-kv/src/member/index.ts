/** A cluster member: store, peer transport and client server together (`bosun kv serve`). */
export { Member, encodeMemberContext } from './member.js';
export type { MemberContext, MemberOptions } from './member.js';
