/**
 * Content negotiation of responses: kubectl asks for a Table (server-side printing) with
 * `application/json;as=Table;v=v1;g=meta.k8s.io`, everything else gets JSON. Protobuf clients
 * list JSON as their second choice; a client that accepts nothing we speak gets 406.
 */
import { ApiError } from '../api/errors.js';

/** What a response is rendered as. */
export type Rendering = { readonly type: 'json' } | { readonly type: 'table'; readonly version: 'v1' | 'v1beta1' };

/** The rendering an Accept header asks for. */
export function negotiate(accept: string | undefined): Rendering {
  if (accept === undefined || accept.trim() === '') return { type: 'json' };
  let json = false;
  for (const clause of accept.split(',')) {
    const [type = '', ...params] = clause.split(';').map((s) => s.trim());
    const p = Object.fromEntries(params.map((x) => x.split('=').map((s) => s.trim()) as [string, string]));
    const media = type.toLowerCase();
    if (
      media === 'application/json' &&
      p.as === 'Table' &&
      p.g === 'meta.k8s.io' &&
      (p.v === 'v1' || p.v === 'v1beta1')
    ) {
      return { type: 'table', version: p.v };
    }
    if (p.as !== undefined) continue;
    if (media === 'application/json' || media === '*/*' || media === 'application/*' || media === 'application/yaml')
      json = true;
  }
  if (json) return { type: 'json' };
  throw new ApiError(
    'NotAcceptable',
    `only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io`,
  );
}
