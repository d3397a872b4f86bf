import { Packr } from 'msgpackr';
import type { Request } from '../mvcc/types.js';

// Records off: plain maps keep the encoding self-describing across versions.
const packr = new Packr({ useRecords: false, moreTypes: false });

/** Encodes a store request as the command of a Raft entry. */
export function encodeRequest(request: Request): Uint8Array {
  return packr.pack(request);
}

/** Decodes the command of a Raft entry. */
export function decodeRequest(payload: Uint8Array): Request {
  return packr.unpack(payload) as Request;
}
