/**
 * Request bodies: read with a size bound (413 above it) and decoded by Content-Type — JSON,
 * YAML, Kubernetes protobuf, and the four patch types (415 for anything else).
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { PatchType } from '../rest/types.js';

/** How long a request body may take to arrive (ms). */
export const BODY_TIMEOUT_MS = 60_000;

/** The largest body the server reads, as kube-apiserver: 3 MiB. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the whole body; 413 when it is larger than `limit`. */
export function readBody(req: IncomingMessage, timeoutMs = BODY_TIMEOUT_MS, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolveBody, rejectBody) => {
    // A client that sends its body slower than this (slowloris) is cut off; the connection goes.
    const timer = setTimeout(() => {
      rejectBody(new ApiError('Timeout', `the request body did not arrive within ${timeoutMs / 1000} s`));
      req.removeAllListeners('data');
      req.socket.destroySoon();
    }, timeoutMs);
    const resolve = (body: Buffer) => {
      clearTimeout(timer);
      resolveBody(body);
    };
    const reject = (err: unknown) => {
      clearTimeout(timer);
      rejectBody(err);
    };
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      req.resume();
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function tooLarge(limit: number): ApiError {
  return new ApiError('RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}

/** The media type of a Content-Type header, lower-cased and without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Decodes a Kubernetes protobuf body (the protobuf module, injected). */
export type ProtobufDecoder = (body: Uint8Array) => KubeObject;

/** The object in a create or update body. */
export function decodeObject(body: Buffer, contentType: string | undefined, protobuf: ProtobufDecoder): unknown {
  const type = mediaType(contentType);
  switch (type) {
    case '':
    case 'application/json':
      return parseJson(body);
    case 'application/yaml':
    case 'application/x-yaml':
    case 'text/yaml':
      return parseYamlBody(body);
    case 'application/vnd.kubernetes.protobuf':
      return protobuf(body);
    default:
      throw new ApiError(
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
      );
  }
}

/** The patch type of a PATCH request's Content-Type. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  switch (mediaType(contentType)) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/json-patch+json':
      return 'json';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+cbor':
      return 'apply';
    default:
      throw new ApiError(
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
      );
  }
}

/** A patch body: JSON, or YAML for apply patches. */
export function decodePatch(body: Buffer, type: PatchType): unknown {
  return type === 'apply' ? parseYamlBody(body) : parseJson(body);
}

/** The deepest nesting a body may have (a guard against stack exhaustion). */
const MAX_DEPTH = 10_000;

/** JSON, with 400 and the parser's reason when malformed. */
export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') throw ApiError.badRequest('the body of the request is empty');
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  if (max > MAX_DEPTH)
    throw ApiError.badRequest(`the body of the request is nested more than ${MAX_DEPTH} levels deep`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw ApiError.badRequest(`the body of the request could not be decoded as JSON: ${(err as Error).message}`);
  }
}

function parseYamlBody(body: Buffer): unknown {
  try {
    return parseYaml(body.toString('utf8'), { maxAliasCount: 100, uniqueKeys: true }) as unknown;
  } catch (err) {
    throw ApiError.badRequest(`the body of the request could not be decoded as YAML: ${(err as Error).message}`);
  }
}
