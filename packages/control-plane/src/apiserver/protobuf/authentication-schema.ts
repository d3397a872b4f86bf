/** Schema tables of k8s.io/api authentication/v1 messages: the TokenRequest `kubectl create token` sends. */
import type { MessageTable } from './schema.js';
import { int64, list, msg, ptr, str } from './schema.js';

/** authentication.k8s.io/v1 messages by name. */
export const AUTHENTICATION_MESSAGES: MessageTable = {
  TokenRequest: {
    1: msg('metadata', 'ObjectMeta'),
    2: msg('spec', 'TokenRequestSpec'),
    3: msg('status', 'TokenRequestStatus'),
  },
  TokenRequestSpec: {
    1: list(str('audiences')),
    3: msg('boundObjectRef', 'BoundObjectReference'),
    4: ptr(int64('expirationSeconds')),
  },
  BoundObjectReference: { 1: str('kind'), 2: str('apiVersion'), 3: str('name'), 4: str('uid') },
  TokenRequestStatus: { 1: str('token'), 2: msg('expirationTimestamp', 'Time') },
};
