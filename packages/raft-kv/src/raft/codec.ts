import type { ConfChange, ConfChangeType } from './types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const types: readonly ConfChangeType[] = ['addVoter', 'addLearner', 'removeNode'];

/** Encodes a membership change as the data of a `confChange` entry (JSON, so logs stay readable). */
export function encodeConfChange(cc: ConfChange): Uint8Array {
  const context = cc.context ? Buffer.from(cc.context).toString('base64') : undefined;
  return encoder.encode(JSON.stringify({ type: cc.type, nodeId: cc.nodeId, context }));
}

/** Decodes the data of a `confChange` entry; throws on anything else. */
export function decodeConfChange(data: Uint8Array): ConfChange {
  const raw = JSON.parse(decoder.decode(data)) as { type?: unknown; nodeId?: unknown; context?: unknown };
  if (!types.includes(raw.type as ConfChangeType) || typeof raw.nodeId !== 'string' || raw.nodeId === '') {
    throw new Error(`not a membership change: ${decoder.decode(data).slice(0, 80)}`);
  }
  const cc: ConfChange = { type: raw.type as ConfChangeType, nodeId: raw.nodeId };
  return typeof raw.context === 'string' ? { ...cc, context: new Uint8Array(Buffer.from(raw.context, 'base64')) } : cc;
}
