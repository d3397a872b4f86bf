/** RFC 6902 JSON patch (`application/json-patch+json`) with RFC 6901 JSON pointers. */
import { ApiError } from '../api/errors.js';
import { isObject } from '../api/types.js';
import { cloneJson, jsonEqual } from './json.js';

/** One JSON patch operation, checked for shape. */
type Operation =
  | { op: 'add' | 'replace' | 'test'; path: string[]; pointer: string; value: unknown }
  | { op: 'remove'; path: string[]; pointer: string }
  | { op: 'move' | 'copy'; path: string[]; pointer: string; from: string[]; fromPointer: string };

/**
 * The result of applying RFC 6902 operations `ops` to `doc`. A malformed patch is a 400
 * BadRequest; an operation that cannot apply (missing path, failed test) is a 422 Invalid.
 * Neither input is mutated.
 */
export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  const operations = parseOperations(ops);
  let current = cloneJson(doc);
  for (const op of operations) current = applyOperation(current, op);
  return current;
}

/** The reference tokens of a JSON pointer (`/a~1b/0` → `['a/b', '0']`); throws BadRequest on bad syntax. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw ApiError.badRequest(`json patch: invalid JSON pointer ${JSON.stringify(pointer)}: must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~[^01]|~$/.test(token))
        throw ApiError.badRequest(`json patch: invalid escape in JSON pointer ${JSON.stringify(pointer)}`);
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

function parseOperations(ops: unknown): Operation[] {
  if (!Array.isArray(ops)) throw ApiError.badRequest('json patch: the patch must be a JSON array of operations');
  return ops.map((raw, i) => {
    if (!isObject(raw)) throw ApiError.badRequest(`json patch: operation ${i} is not an object`);
    const { op, path } = raw;
    if (typeof path !== 'string') throw ApiError.badRequest(`json patch: operation ${i} has no "path"`);
    const pointer = path;
    switch (op) {
      case 'add':
      case 'replace':
      case 'test':
        if (!Object.hasOwn(raw, 'value')) throw ApiError.badRequest(`json patch: ${op} operation ${i} has no "value"`);
        return { op, path: parsePointer(path), pointer, value: raw['value'] };
      case 'remove':
        return { op, path: parsePointer(path), pointer };
      case 'move':
      case 'copy': {
        const from = raw['from'];
        if (typeof from !== 'string') throw ApiError.badRequest(`json patch: ${op} operation ${i} has no "from"`);
        return { op, path: parsePointer(path), pointer, from: parsePointer(from), fromPointer: from };
      }
      default:
        throw ApiError.badRequest(`json patch: operation ${i} has unknown op ${JSON.stringify(op)}`);
    }
  });
}

function cannotApply(op: string, pointer: string, why: string): ApiError {
  return new ApiError('Invalid', `json patch ${op} operation does not apply: ${why}: ${JSON.stringify(pointer)}`);
}

function applyOperation(doc: unknown, op: Operation): unknown {
  switch (op.op) {
    case 'add':
      return add(doc, op.path, cloneJson(op.value), op.op, op.pointer);
    case 'remove':
      return remove(doc, op.path, op.op, op.pointer).doc;
    case 'replace': {
      const removed = remove(doc, op.path, op.op, op.pointer);
      return add(removed.doc, op.path, cloneJson(op.value), op.op, op.pointer);
    }
    case 'test': {
      const found = get(doc, op.path);
      if (!found.present) throw cannotApply('test', op.pointer, 'doc is missing path');
      if (!jsonEqual(found.value, op.value))
        throw cannotApply('test', op.pointer, 'test failed, the value differs at path');
      return doc;
    }
    case 'move': {
      if (op.fromPointer !== op.pointer && op.pointer.startsWith(`${op.fromPointer}/`)) {
        throw cannotApply('move', op.pointer, 'a value cannot be moved into one of its children');
      }
      const removed = remove(doc, op.from, op.op, op.fromPointer);
      return add(removed.doc, op.path, removed.value, op.op, op.pointer);
    }
    case 'copy': {
      const found = get(doc, op.from);
      if (!found.present) throw cannotApply('copy', op.fromPointer, 'doc is missing from path');
      return add(doc, op.path, cloneJson(found.value), op.op, op.pointer);
    }
  }
}

function get(doc: unknown, path: string[]): { present: boolean; value?: unknown } {
  let current = doc;
  for (const token of path) {
    if (Array.isArray(current)) {
      const index = arrayIndex(token, current.length - 1);
      if (index === undefined) return { present: false };
      current = current[index];
    } else if (isObject(current) && Object.hasOwn(current, token)) {
      current = current[token];
    } else {
      return { present: false };
    }
  }
  return { present: true, value: current };
}

/** The container that holds the last token of `path` (already copied in `doc`). */
function parentOf(doc: unknown, path: string[], op: string, pointer: string): unknown {
  const found = get(doc, path.slice(0, -1));
  if (!found.present) throw cannotApply(op, pointer, 'doc is missing path');
  return found.value;
}

function arrayIndex(token: string, max: number): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const index = Number(token);
  return index <= max ? index : undefined;
}

function add(doc: unknown, path: string[], value: unknown, op: string, pointer: string): unknown {
  const last = path.at(-1);
  if (last === undefined) return value;
  const parent = parentOf(doc, path, op, pointer);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : arrayIndex(last, parent.length);
    if (index === undefined) throw cannotApply(op, pointer, 'array index out of range or invalid');
    parent.splice(index, 0, value);
  } else if (isObject(parent)) {
    parent[last] = value;
  } else {
    throw cannotApply(op, pointer, 'the parent of the path is not an object or array');
  }
  return doc;
}

function remove(doc: unknown, path: string[], op: string, pointer: string): { doc: unknown; value: unknown } {
  const last = path.at(-1);
  if (last === undefined) {
    if (op === 'remove') throw cannotApply(op, pointer, 'the whole document cannot be removed');
    return { doc: undefined, value: doc };
  }
  const parent = parentOf(doc, path, op, pointer);
  if (Array.isArray(parent)) {
    const index = arrayIndex(last, parent.length - 1);
    if (index === undefined) throw cannotApply(op, pointer, 'array index out of range or invalid');
    const [value] = parent.splice(index, 1);
    return { doc, value };
  }
  if (isObject(parent) && Object.hasOwn(parent, last)) {
    const value = parent[last];
    delete parent[last];
    return { doc, value };
  }
  throw cannotApply(op, pointer, 'doc is missing path');
}
