/**
 * How peers recognise each other on the upgrade request: a shared cluster token (compared in
 * constant time) and the sender's member id; optionally the member it means to reach, so that
 * a URL now served by another member is refused instead of silently misdelivered.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NodeId } from '../raft/types.js';

/** The header carrying the shared cluster token. */
export const TOKEN_HEADER = 'x-bosun-cluster-token';
/** The header carrying the sending member's id. */
export const MEMBER_HEADER = 'x-bosun-member-id';
/** The header carrying the id of the member the sender means to reach. */
export const TARGET_HEADER = 'x-bosun-target-id';

/** The outcome of checking an upgrade request: the peer's id, or the HTTP status to refuse with. */
export type UpgradeVerdict =
  | { readonly ok: true; readonly peerId: NodeId }
  | { readonly ok: false; readonly status: 400 | 401 | 421; readonly reason: string };

/** Compares two tokens in time independent of where they differ (and of their lengths). */
export function tokensEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/** A member id as it may appear in a header: 1 to 128 visible ASCII characters. */
export function isMemberId(id: string): boolean {
  return /^[\x21-\x7e]{1,128}$/.test(id);
}

/** The headers a member sends when it connects to `target`. */
export function upgradeHeaders(opts: { token: string; from: NodeId; target: NodeId }): Record<string, string> {
  return { [TOKEN_HEADER]: opts.token, [MEMBER_HEADER]: opts.from, [TARGET_HEADER]: opts.target };
}

/** Checks an upgrade request against this member's id and the cluster token. */
export function verifyUpgrade(req: IncomingMessage, opts: { token: string; localId: NodeId }): UpgradeVerdict {
  const token = single(req.headers[TOKEN_HEADER]);
  if (token === undefined || !tokensEqual(token, opts.token)) {
    return { ok: false, status: 401, reason: 'missing or wrong cluster token' };
  }
  const peerId = single(req.headers[MEMBER_HEADER]);
  if (peerId === undefined || !isMemberId(peerId)) return { ok: false, status: 400, reason: 'missing member id' };
  const target = single(req.headers[TARGET_HEADER]);
  if (target !== undefined && target !== opts.localId) {
    return { ok: false, status: 421, reason: `this is member ${opts.localId}, not ${target}` };
  }
  return { ok: true, peerId };
}

function single(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
