/**
 * Test support: a naive model of the MVCC store (every change of every key in a plain list,
 * no index, no compaction of data) to check the store against, and helpers that
 * turn responses into comparable plain values. Slow and obviously right, on purpose.
 */
import { Buffer } from 'node:buffer';
import type { Compare, DeleteRangeRequest, PutRequest, RangeRequest, Request, RequestOp, TxnRequest } from './types.js';

/** A bytes-or-string value as a latin1 string of its bytes. */
export function bin(b: Uint8Array | string): string {
  return typeof b === 'string' ? Buffer.from(b, 'utf8').toString('latin1') : Buffer.from(b).toString('latin1');
}

/** Replaces every Uint8Array in `value` with its latin1 string and drops undefined fields. */
export function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v);
    return out;
  }
  return value;
}

/** A model key-value (binary strings). */
export interface ModelKv {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
  lease: number;
}

/** A model watch event. */
export interface ModelEvent {
  revision: number;
  type: 'put' | 'delete';
  kv: ModelKv;
  prevKv?: ModelKv;
}

/** An error outcome of the model. */
export class ModelError extends Error {
  constructor(
    readonly code: string,
    readonly compactRevision?: number,
  ) {
    super(code);
  }
}

type Change = { revision: number; kv: ModelKv | null };

const fail = (code: string, compactRevision?: number): never => {
  throw new ModelError(code, compactRevision);
};

/** etcd's range end rules on binary strings. */
function inRange(key: string, start: string, end: string): boolean {
  if (end === '') return key === start;
  if (end === '\x00') return key >= start;
  return key >= start && key < end;
}

/** The naive store. */
export class Model {
  revision = 1;
  compactRevision = 0;
  readonly history = new Map<string, Change[]>();
  readonly leases = new Map<number, number>();
  readonly events: ModelEvent[] = [];

  /** The key's kv at `revision`. */
  at(key: string, revision: number): ModelKv | null {
    let found: ModelKv | null = null;
    for (const c of this.history.get(key) ?? []) if (c.revision <= revision) found = c.kv;
    return found;
  }

  /** Every key alive at `revision` in [start, end), sorted. */
  keysAt(start: string, end: string, revision: number): ModelKv[] {
    return [...this.history.keys()]
      .filter((k) => inRange(k, start, end))
      .sort()
      .map((k) => this.at(k, revision))
      .filter((kv): kv is ModelKv => kv !== null);
  }

  /** Applies a request; returns the plain response or throws a ModelError. */
  apply(request: Request): unknown {
    switch (request.type) {
      case 'range':
        return this.range(request, this.revision, { revision: this.revision });
      case 'put':
      case 'deleteRange':
        return this.txn({ type: 'txn', compare: [], success: [request], failure: [] }, true);
      case 'txn':
        return this.txn(request, false);
      case 'compact':
        if (request.revision <= this.compactRevision) fail('compacted', this.compactRevision);
        if (request.revision > this.revision) fail('futureRevision');
        this.compactRevision = request.revision;
        return { type: 'compact', header: { revision: this.revision } };
      case 'leaseGrant':
        if (this.leases.has(request.id)) fail('leaseExists');
        this.leases.set(request.id, request.ttl);
        return { type: 'leaseGrant', header: { revision: this.revision }, id: request.id, ttl: request.ttl };
      case 'leaseRevoke':
        return this.revoke(request.id);
      case 'leaseTimeToLive': {
        const ttl = this.leases.get(request.id);
        const keys =
          ttl === undefined || request.keys !== true
            ? []
            : this.keysAt('\x00', '\x00', this.revision)
                .filter((kv) => kv.lease === request.id)
                .map((kv) => kv.key);
        const header = { revision: this.revision };
        return { type: 'leaseTimeToLive', header, id: request.id, ttl: ttl ?? -1, grantedTtl: ttl ?? 0, keys };
      }
      case 'leaseLeases': {
        const leases = [...this.leases].sort((a, b) => a[0] - b[0]).map(([id, ttl]) => ({ id, ttl }));
        return { type: 'leaseLeases', header: { revision: this.revision }, leases };
      }
      default:
        throw new Error(`model does not do ${request.type}`);
    }
  }

  private range(r: RangeRequest, current: number, header: { revision: number }): unknown {
    const revision = r.revision ?? 0;
    if (revision > current) fail('futureRevision');
    if (revision !== 0 && revision < this.compactRevision) fail('compacted', this.compactRevision);
    let kvs = this.keysAt(bin(r.key), bin(r.rangeEnd ?? ''), revision === 0 ? current : revision);
    const count = kvs.length;
    const limit = r.limit ?? 0;
    const target = r.sort?.target ?? 'key';
    const order = r.sort?.order ?? 'none';
    if (order === 'none' && limit > 0) kvs = kvs.slice(0, limit + 1);
    const field = (kv: ModelKv): number | string =>
      target === 'key'
        ? kv.key
        : target === 'value'
          ? kv.value
          : target === 'version'
            ? kv.version
            : target === 'create'
              ? kv.createRevision
              : kv.modRevision;
    const cmp = (a: ModelKv, b: ModelKv): number => (field(a) < field(b) ? -1 : field(a) > field(b) ? 1 : 0);
    if (order === 'descend') kvs.sort((a, b) => cmp(b, a));
    else if (order === 'ascend' || target !== 'key') kvs.sort(cmp);
    const more = r.countOnly !== true && limit > 0 && kvs.length > limit;
    if (more) kvs = kvs.slice(0, limit);
    if (r.countOnly === true) kvs = [];
    const out = kvs.map((kv) => (r.keysOnly === true ? { ...kv, value: '' } : kv));
    return { type: 'range', header, kvs: out.map(kvPlain), more, count };
  }

  private compares(c: Compare): boolean {
    const kvs = this.keysAt(bin(c.key), bin(c.rangeEnd ?? ''), this.revision);
    const test = (kv: ModelKv | null): boolean => {
      let a: number | string;
      let b: number | string;
      if (c.target === 'value') {
        if (kv === null) return false;
        a = kv.value;
        b = bin(c.value);
      } else {
        a = kv === null ? 0 : kv[c.target];
        b = c.value;
      }
      return c.result === '=' ? a === b : c.result === '!=' ? a !== b : c.result === '<' ? a < b : a > b;
    };
    return kvs.length === 0 ? test(null) : kvs.every(test);
  }

  /** Every run of a txn (choosing a branch of each nested txn), as its list of writes. */
  private runs(ops: readonly RequestOp[]): (PutRequest | DeleteRangeRequest)[][] {
    let runs: (PutRequest | DeleteRangeRequest)[][] = [[]];
    for (const op of ops) {
      if (op.type === 'range') continue;
      const options = op.type === 'txn' ? [...this.runs(op.success), ...this.runs(op.failure)] : [[op]];
      runs = runs.flatMap((run) => options.map((o) => [...run, ...o]));
    }
    return runs;
  }

  private duplicates(ops: readonly RequestOp[]): boolean {
    return this.runs(ops).some((run) => {
      const puts = run.filter((w): w is PutRequest => w.type === 'put').map((w) => bin(w.key));
      if (new Set(puts).size < puts.length) return true;
      const dels = run.filter((w): w is DeleteRangeRequest => w.type === 'deleteRange');
      return puts.some((k) => dels.some((d) => inRange(k, bin(d.key), bin(d.rangeEnd ?? ''))));
    });
  }

  private path(t: TxnRequest, out: boolean[]): void {
    const ok = t.compare.every((c) => this.compares(c));
    out.push(ok);
    for (const op of ok ? t.success : t.failure) if (op.type === 'txn') this.path(op, out);
  }

  private check(t: TxnRequest, path: boolean[], cursor: { i: number }): void {
    const ok = path[cursor.i++];
    for (const op of ok === true ? t.success : t.failure) {
      if (op.type === 'txn') this.check(op, path, cursor);
      if (op.type === 'range') {
        const rev = op.revision ?? 0;
        if (rev > this.revision) fail('futureRevision');
        if (rev !== 0 && rev < this.compactRevision) fail('compacted', this.compactRevision);
      }
      if (op.type === 'put') {
        if ((op.lease ?? 0) !== 0 && !this.leases.has(op.lease ?? 0)) fail('leaseNotFound');
        const exists = this.at(bin(op.key), this.revision) !== null;
        if ((op.ignoreValue === true || op.ignoreLease === true) && !exists) fail('keyNotFound');
      }
    }
  }

  private txn(t: TxnRequest, single: boolean): unknown {
    if (this.duplicates(t.success) || this.duplicates(t.failure)) fail('duplicateKey');
    for (const op of [...t.success, ...t.failure]) {
      if (op.type === 'put' && op.ignoreValue === true && bin(op.value) !== '') fail('valueProvided');
      if (op.type === 'put' && op.ignoreLease === true && (op.lease ?? 0) !== 0) fail('leaseProvided');
    }
    const path: boolean[] = [];
    this.path(t, path);
    this.check(t, path, { i: 0 });
    const header = { revision: 0 };
    const w = { revision: this.revision + 1, changed: false };
    const response = this.exec(t, path, { i: 0 }, w, header);
    if (w.changed) this.revision = w.revision;
    header.revision = this.revision;
    return single ? (response.responses as unknown[])[0] : response;
  }

  private exec(
    t: TxnRequest,
    path: boolean[],
    cursor: { i: number },
    w: { revision: number; changed: boolean },
    header: { revision: number },
  ): { [k: string]: unknown } {
    const ok = path[cursor.i++] === true;
    const responses = (ok ? t.success : t.failure).map((op): unknown => {
      if (op.type === 'txn') return this.exec(op, path, cursor, w, header);
      if (op.type === 'range') return this.range(op, w.changed ? w.revision : this.revision, header);
      if (op.type === 'put') return this.put(op, w, header);
      return this.del(op, w, header);
    });
    return { type: 'txn', header, succeeded: ok, responses };
  }

  private record(key: string, kv: ModelKv | null, revision: number): void {
    const prev = this.at(key, revision);
    const list = this.history.get(key) ?? [];
    list.push({ revision, kv });
    this.history.set(key, list);
    const event: ModelEvent =
      kv === null
        ? {
            revision,
            type: 'delete',
            kv: { key, value: '', createRevision: 0, modRevision: revision, version: 0, lease: 0 },
          }
        : { revision, type: 'put', kv };
    if (prev !== null) event.prevKv = prev;
    this.events.push(event);
  }

  private put(op: PutRequest, w: { revision: number; changed: boolean }, header: object): unknown {
    const key = bin(op.key);
    const prev = this.at(key, w.revision);
    const kv: ModelKv = {
      key,
      value: op.ignoreValue === true && prev ? prev.value : bin(op.value),
      createRevision: prev ? prev.createRevision : w.revision,
      modRevision: w.revision,
      version: prev ? prev.version + 1 : 1,
      lease: op.ignoreLease === true && prev ? prev.lease : (op.lease ?? 0),
    };
    this.record(key, kv, w.revision);
    w.changed = true;
    return op.prevKv === true && prev ? { type: 'put', header, prevKv: kvPlain(prev) } : { type: 'put', header };
  }

  private del(op: DeleteRangeRequest, w: { revision: number; changed: boolean }, header: object): unknown {
    const kvs = this.keysAt(bin(op.key), bin(op.rangeEnd ?? ''), w.revision);
    for (const kv of kvs) this.record(kv.key, null, w.revision);
    if (kvs.length > 0) w.changed = true;
    return {
      type: 'deleteRange',
      header,
      deleted: kvs.length,
      prevKvs: op.prevKv === true ? kvs.map(kvPlain) : [],
    };
  }

  private revoke(id: number): unknown {
    if (!this.leases.has(id)) fail('leaseNotFound');
    this.leases.delete(id);
    const keys = this.keysAt('\x00', '\x00', this.revision).filter((kv) => kv.lease === id);
    if (keys.length > 0) {
      this.revision += 1;
      for (const kv of keys) this.record(kv.key, null, this.revision);
    }
    return { type: 'leaseRevoke', header: { revision: this.revision } };
  }
}

/** A model kv in the plain form of a store KeyValue. */
export function kvPlain(kv: ModelKv): unknown {
  return {
    key: kv.key,
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
    value: kv.value,
    lease: kv.lease,
  };
}

/** Runs `f` and returns its plain result, or `{ error, compactRevision? }`. */
export function outcome(f: () => unknown): unknown {
  try {
    return plain(f());
  } catch (e) {
    const err = e as { code?: string; compactRevision?: number };
    if (err.code === undefined) throw e;
    return err.compactRevision === undefined
      ? { error: err.code }
      : { error: err.code, compactRevision: err.compactRevision };
  }
}

/** Whether `key` (binary) lies in etcd range [start, end). */
export function modelInRange(key: string, start: string, end: string): boolean {
  return inRange(key, start, end);
}

/** The UTF-8 text of some bytes. */
export function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

/** The keys of a list of key-values, as text. */
export function keysOf(kvs: readonly { key: Uint8Array }[]): string[] {
  return kvs.map((kv) => text(kv.key));
}

/** The values of a list of key-values, as text. */
export function valuesOf(kvs: readonly { value: Uint8Array }[]): string[] {
  return kvs.map((kv) => text(kv.value));
}
