/**
 * The data of a normal Raft entry as Bosun writes it: the id of the proposal (so the member
 * that proposed it can hand the result back to the waiting caller) and the command bytes.
 * Layout: u16 id length, id (UTF-8), payload. An empty entry is a leader's no-op.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeEnvelope(id: string, payload: Uint8Array): Uint8Array {
  const idBytes = encoder.encode(id);
  const out = new Uint8Array(2 + idBytes.byteLength + payload.byteLength);
  out[0] = idBytes.byteLength >> 8;
  out[1] = idBytes.byteLength & 0xff;
  out.set(idBytes, 2);
  out.set(payload, 2 + idBytes.byteLength);
  return out;
}

export function decodeEnvelope(data: Uint8Array): { id: string; payload: Uint8Array } {
  if (data.byteLength < 2) throw new Error('entry data too short for an envelope');
  const len = ((data[0] as number) << 8) | (data[1] as number);
  if (2 + len > data.byteLength) throw new Error('entry envelope id overruns the data');
  return { id: decoder.decode(data.subarray(2, 2 + len)), payload: data.subarray(2 + len) };
}
