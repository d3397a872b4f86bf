/**
 * Test support: a seeded PRNG and generators of random requests for the property tests. Every
 * choice comes from the PRNG, so a seed replays a run exactly.
 */
import { Buffer } from 'node:buffer';
import { bin } from './model.test.util.js';
import type { Compare, DeleteRangeRequest, PutRequest, RangeRequest, Request, RequestOp, TxnRequest } from './types.js';

/** mulberry32: a small seeded PRNG. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const KEYS: (string | Uint8Array)[] = [
  'a',
  'a/1',
  'a/2',
  'ab',
  'b',
  'b/x',
  'c',
  '\u00e9',
  new Uint8Array([0x7a, 0xff]),
  new Uint8Array([0xff]),
];
const VALUES = ['', 'x', 'y', 'hello', '\u00fc', 'zz'];

/** A random key, as a string or bytes. */
export function randomKey(rng: Prng): string | Uint8Array {
  return rng.pick(KEYS);
}

/** A random `rangeEnd` (or none), as etcd spells ranges. */
export function randomRangeEnd(rng: Prng, key: string | Uint8Array): string | Uint8Array | undefined {
  switch (rng.int(4)) {
    case 0:
      return undefined;
    case 1:
      return '\x00';
    case 2: {
      const b = Buffer.from(bin(key), 'latin1');
      for (let i = b.length - 1; i >= 0; i--) {
        if ((b[i] as number) < 0xff) return new Uint8Array([...b.subarray(0, i), (b[i] as number) + 1]);
      }
      return '\x00';
    }
    default:
      return randomKey(rng);
  }
}

/** A random range request against a store at `revision` compacted at `compactRevision`. */
export function randomRange(rng: Prng, revision: number, compactRevision: number): RangeRequest {
  const key = randomKey(rng);
  const targets = ['key', 'version', 'create', 'mod', 'value'] as const;
  const orders = ['none', 'ascend', 'descend'] as const;
  const rangeEnd = randomRangeEnd(rng, key);
  return {
    type: 'range',
    key,
    ...(rangeEnd === undefined ? {} : { rangeEnd }),
    ...(rng.chance(0.3) ? { limit: rng.int(4) } : {}),
    ...(rng.chance(0.4)
      ? { revision: Math.max(0, compactRevision - 1 + rng.int(revision - compactRevision + 3)) }
      : {}),
    ...(rng.chance(0.2) ? { keysOnly: true } : {}),
    ...(rng.chance(0.1) ? { countOnly: true } : {}),
    ...(rng.chance(0.3) ? { sort: { target: rng.pick(targets), order: rng.pick(orders) } } : {}),
  };
}

function randomPut(rng: Prng): PutRequest {
  const ignoreValue = rng.chance(0.1);
  const ignoreLease = rng.chance(0.1);
  return {
    type: 'put',
    key: randomKey(rng),
    value: ignoreValue ? '' : rng.pick(VALUES),
    ...(!ignoreLease && rng.chance(0.3) ? { lease: rng.int(4) } : {}),
    ...(rng.chance(0.3) ? { prevKv: true } : {}),
    ...(ignoreValue ? { ignoreValue } : {}),
    ...(ignoreLease ? { ignoreLease } : {}),
  };
}

function randomDelete(rng: Prng): DeleteRangeRequest {
  const key = randomKey(rng);
  const rangeEnd = randomRangeEnd(rng, key);
  return { type: 'deleteRange', key, ...(rangeEnd === undefined ? {} : { rangeEnd }), prevKv: rng.chance(0.5) };
}

function randomCompare(rng: Prng, revision: number): Compare {
  const key = randomKey(rng);
  const rangeEnd = rng.chance(0.2) ? randomRangeEnd(rng, key) : undefined;
  const result = rng.pick(['=', '!=', '<', '>'] as const);
  const base = { key, ...(rangeEnd === undefined ? {} : { rangeEnd }), result };
  const target = rng.pick(['value', 'version', 'createRevision', 'modRevision', 'lease'] as const);
  if (target === 'value') return { ...base, target, value: rng.pick(VALUES) };
  return { ...base, target, value: rng.int(target === 'version' || target === 'lease' ? 4 : revision + 2) };
}

function randomOps(rng: Prng, revision: number, compactRevision: number, depth: number): RequestOp[] {
  const ops: RequestOp[] = [];
  for (let n = rng.int(4); n > 0; n--) {
    const kind = rng.int(depth > 0 ? 4 : 3);
    if (kind === 0) ops.push(randomRange(rng, revision, compactRevision));
    else if (kind === 1) ops.push(randomPut(rng));
    else if (kind === 2) ops.push(randomDelete(rng));
    else ops.push(randomTxn(rng, revision, compactRevision, depth - 1));
  }
  return ops;
}

/** A random txn, nested up to `depth` levels. */
export function randomTxn(rng: Prng, revision: number, compactRevision: number, depth: number): TxnRequest {
  return {
    type: 'txn',
    compare: Array.from({ length: rng.int(3) }, () => randomCompare(rng, revision)),
    success: randomOps(rng, revision, compactRevision, depth),
    failure: randomOps(rng, revision, compactRevision, depth),
  };
}

/** A random request of any kind the model knows. */
export function randomRequest(rng: Prng, revision: number, compactRevision: number): Request {
  const roll = rng.int(100);
  if (roll < 30) return randomPut(rng);
  if (roll < 40) return randomDelete(rng);
  if (roll < 60) return randomRange(rng, revision, compactRevision);
  if (roll < 80) return randomTxn(rng, revision, compactRevision, 2);
  if (roll < 86)
    return { type: 'compact', revision: Math.max(1, compactRevision - 1 + rng.int(revision - compactRevision + 3)) };
  if (roll < 91) return { type: 'leaseGrant', id: 1 + rng.int(3), ttl: 1 + rng.int(20) };
  if (roll < 96) return { type: 'leaseRevoke', id: 1 + rng.int(3) };
  if (roll < 98) return { type: 'leaseTimeToLive', id: 1 + rng.int(3), keys: rng.chance(0.5) };
  return { type: 'leaseLeases' };
}
