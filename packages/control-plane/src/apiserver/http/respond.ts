/** Writing responses: JSON bodies, Status errors, and warnings. */
import type { ServerResponse } from 'node:http';
import { ApiError } from '../api/errors.js';

/**
 * The JSON text of an object the server does not change after reading it (watch cache objects,
 * store reads), computed once: a list or a watch event reuses it.
 */
const jsonCache = new WeakMap<object, string>();

/** `JSON.stringify(obj)`, cached per object; callers must never mutate `obj` afterwards. */
export function jsonOf(obj: object): string {
  let text = jsonCache.get(obj);
  if (text === undefined) {
    text = JSON.stringify(obj);
    jsonCache.set(obj, text);
  }
  return text;
}

/** Writes a JSON text as the response. */
export function sendJsonText(res: ServerResponse, code: number, text: string, contentType = 'application/json'): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Writes a JSON response. */
export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string | string[]> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Writes an error as a Kubernetes Status (500 for anything that is not an ApiError). */
export function sendError(res: ServerResponse, err: unknown): number {
  const apiError =
    err instanceof ApiError
      ? err
      : new ApiError('InternalError', `Internal error occurred: ${(err as Error)?.message ?? String(err)}`);
  if (res.headersSent) {
    res.destroy();
    return apiError.code;
  }
  const headers: Record<string, string> = {};
  const retry = apiError.details?.retryAfterSeconds;
  if (retry !== undefined) headers['Retry-After'] = String(retry);
  sendJson(res, apiError.code, apiError.toStatus(), 'application/json', headers);
  return apiError.code;
}

/** `Warning` header values for warnings (RFC 7234 format, as kube-apiserver sends them). */
export function warningHeaders(warnings: readonly string[]): Record<string, string[]> {
  if (warnings.length === 0) return {};
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) };
}
