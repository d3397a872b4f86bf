/**
 * A chain of authorizers (Kubernetes' union authorizer): the first that allows or denies
 * decides; when none has an opinion the request is refused with their reasons joined.
 */
import type { RequestAttributes } from './attributes.js';
import { noOpinion } from './types.js';
import type { AuthorizationResult, Authorizer } from './types.js';

/** Authorizers asked in order (the server's is node, then RBAC). */
export class AuthorizerChain implements Authorizer {
  constructor(private readonly authorizers: readonly Authorizer[]) {}

  /** The first decisive result, or "no opinion" with every reason given. */
  authorize(attrs: RequestAttributes): AuthorizationResult {
    const reasons: string[] = [];
    for (const authorizer of this.authorizers) {
      const result = authorizer.authorize(attrs);
      if (result.allowed || result.denied === true) return result;
      if (result.reason !== '') reasons.push(result.reason);
    }
    return noOpinion(reasons.join(', '));
  }
}
