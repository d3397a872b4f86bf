/**
 * The store's state as one buffer, for Raft snapshots: every version still kept (those below
 * the compact revision first, then the change log in apply order), the leases, the alarms and
 * the revisions. Columns of numbers and two byte blobs (all keys, all values) keep a
 * million-key snapshot to a few arrays instead of millions of small objects.
 */
import { Buffer } from 'node:buffer';
import { endianness } from 'node:os';
import { Packr } from 'msgpackr';
import { MvccError } from './errors.js';
import { KeyVersion, Keyspace } from './keyspace.js';
import { LeaseTable } from './leases.js';
import type { AlarmType } from './types.js';

/** The parts of the state a snapshot holds. */
export interface SnapshotState {
  readonly keyspace: Keyspace;
  readonly leases: LeaseTable;
  readonly alarms: readonly AlarmType[];
}

/** The small part of a snapshot, as msgpack; the versions follow it as columns (see FORMAT). */
interface SnapshotHeader {
  readonly revision: number;
  readonly compactRevision: number;
  readonly alarms: AlarmType[];
  readonly leaseIds: number[];
  readonly leaseTtls: number[];
  /** How many versions the columns hold. */
  readonly count: number;
  readonly keyBytes: number;
  readonly valueBytes: number;
}

/**
 * FORMAT (version 2): MAGIC (8 bytes), the header's length (u32 LE), the header (msgpack),
 * zero padding to a multiple of 8, then the columns with one element per version: create
 * revisions, mod revisions, versions and leases (float64 each), key lengths and value lengths
 * (u32 each), all keys back to back, all values back to back. Numbers are little-endian.
 * Written in one buffer of its final size: no intermediate copies of the keys and values.
 * Version 1, one msgpack document, is still read.
 */
const MAGIC = Buffer.from('BOSUNKV2', 'latin1');
const FLOAT_COLUMNS = 4;
const U32_COLUMNS = 2;

const packr = new Packr({ useRecords: false });

if (endianness() !== 'LE') throw new Error('MVCC snapshots are written for little-endian hosts');

/** Versions encoded between two turns of the event loop by {@link encodeSnapshotAsync}. */
const VERSIONS_PER_STEP = 16_384;
/** Keys (and values) joined into one string per write into the snapshot buffer. */
const RUN = 256;

/**
 * The state a snapshot holds, taken at one moment. The versions are: those below the compact
 * revision still kept (oldest first per key), then the change log's first `logLength` entries.
 * Versions never change once written, so encoding may then be spread over many turns.
 */
interface Capture {
  readonly revision: number;
  readonly compactRevision: number;
  readonly alarms: AlarmType[];
  readonly leaseIds: number[];
  readonly leaseTtls: number[];
  readonly olderKeys: string[];
  readonly olderVersions: KeyVersion[];
  readonly logKeys: readonly string[];
  readonly logVersions: readonly KeyVersion[];
  readonly logLength: number;
}

function capture(state: SnapshotState): Capture {
  const ks = state.keyspace;
  const olderKeys: string[] = [];
  const olderVersions: KeyVersion[] = [];
  if (ks.compactRevision > 0) {
    const older: KeyVersion[] = [];
    ks.forEach((key, head) => {
      older.length = 0;
      for (let v: KeyVersion | undefined = head; v !== undefined; v = v.prev) {
        if (v.modRevision < ks.compactRevision) older.push(v);
      }
      for (let i = older.length - 1; i >= 0; i--) {
        olderKeys.push(key);
        olderVersions.push(older[i] as KeyVersion);
      }
    });
  }
  const log = ks.logView();
  const leases = state.leases.list();
  return {
    revision: ks.revision,
    compactRevision: ks.compactRevision,
    alarms: [...state.alarms],
    leaseIds: leases.map((l) => l.id),
    leaseTtls: leases.map((l) => l.ttl),
    olderKeys,
    olderVersions,
    logKeys: log.keys,
    logVersions: log.versions,
    logLength: log.length,
  };
}

/** Encodes a capture, pausing (yield) after every {@link VERSIONS_PER_STEP} versions. */
function* encodeSteps(c: Capture): Generator<void, Buffer> {
  const older = c.olderVersions.length;
  const count = older + c.logLength;
  const keyAt = (i: number) => (i < older ? c.olderKeys[i] : c.logKeys[i - older]) as string;
  const versionAt = (i: number) => (i < older ? c.olderVersions[i] : c.logVersions[i - older]) as KeyVersion;
  let keyBytes = 0;
  let valueBytes = 0;
  for (let i = 0; i < count; i++) {
    keyBytes += keyAt(i).length;
    valueBytes += versionAt(i).value.length;
    if (i % VERSIONS_PER_STEP === VERSIONS_PER_STEP - 1) yield;
  }
  const header: SnapshotHeader = {
    revision: c.revision,
    compactRevision: c.compactRevision,
    alarms: c.alarms,
    leaseIds: c.leaseIds,
    leaseTtls: c.leaseTtls,
    count,
    keyBytes,
    valueBytes,
  };
  const head = packr.pack(header);
  const columnsAt = align8(MAGIC.length + 4 + head.length);
  const blobsAt = columnsAt + count * (8 * FLOAT_COLUMNS + 4 * U32_COLUMNS);
  const out = Buffer.allocUnsafeSlow(blobsAt + keyBytes + valueBytes);
  out.fill(0, 0, blobsAt); // the padding; every other byte is written below
  MAGIC.copy(out, 0);
  out.writeUInt32LE(head.length, MAGIC.length);
  head.copy(out, MAGIC.length + 4);
  const floats = new Float64Array(out.buffer, out.byteOffset + columnsAt, count * FLOAT_COLUMNS);
  const u32s = new Uint32Array(out.buffer, out.byteOffset + columnsAt + count * 8 * FLOAT_COLUMNS, count * U32_COLUMNS);
  let keyWrite = blobsAt;
  let valueWrite = blobsAt + keyBytes;
  // Keys and values go out a run at a time: one native write per run, not one per string.
  const keyRun: string[] = [];
  const valueRun: string[] = [];
  const flush = () => {
    keyWrite += out.write(keyRun.join(''), keyWrite, 'latin1');
    valueWrite += out.write(valueRun.join(''), valueWrite, 'latin1');
    keyRun.length = 0;
    valueRun.length = 0;
  };
  for (let i = 0; i < count; i++) {
    const key = keyAt(i);
    const v = versionAt(i);
    floats[i] = v.createRevision;
    floats[count + i] = v.modRevision;
    floats[2 * count + i] = v.version;
    floats[3 * count + i] = v.lease;
    u32s[i] = key.length;
    u32s[count + i] = v.value.length;
    keyRun.push(key);
    valueRun.push(v.value);
    if (keyRun.length === RUN) flush();
    if (i % VERSIONS_PER_STEP === VERSIONS_PER_STEP - 1) yield;
  }
  flush();
  return out;
}

/** Encodes the state. */
export function encodeSnapshot(state: SnapshotState): Uint8Array {
  const steps = encodeSteps(capture(state));
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * Encodes the state as it is at the call (taken before this returns), awaiting `pause` every
 * {@link VERSIONS_PER_STEP} versions (the caller gives the event loop a turn there): a
 * million-version snapshot no longer stalls every request for the whole encoding. The store
 * may change meanwhile; the snapshot does not.
 */
export async function encodeSnapshotAsync(state: SnapshotState, pause: () => Promise<void>): Promise<Uint8Array> {
  const steps = encodeSteps(capture(state));
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    await pause();
  }
}

/** Decodes a snapshot made by {@link encodeSnapshot} (either format); `invalidRequest` if it is not one. */
export function decodeSnapshot(bytes: Uint8Array): SnapshotState {
  const buf = asBuffer(bytes);
  const columns =
    buf.length >= MAGIC.length && buf.subarray(0, MAGIC.length).equals(MAGIC) ? readColumns(buf) : readDocument(buf);
  const { header } = columns;
  const ks = new Keyspace();
  ks.revision = header.revision;
  ks.compactRevision = header.compactRevision;
  let keyAt = columns.keysAt;
  let valueAt = columns.valuesAt;
  for (let i = 0; i < header.count; i++) {
    const key = columns.keys.toString('latin1', keyAt, (keyAt += columns.keyLength(i)));
    const value = columns.values.toString('latin1', valueAt, (valueAt += columns.valueLength(i)));
    const v = new KeyVersion(
      value,
      columns.createRevision(i),
      columns.modRevision(i),
      columns.version(i),
      columns.lease(i),
      undefined,
    );
    ks.load(key, v);
  }
  ks.retrim();
  const leases = new LeaseTable();
  header.leaseIds.forEach((id, i) => leases.grant(id, header.leaseTtls[i] as number));
  ks.forEach((key, head) => {
    if (head.version > 0) leases.attach(head.lease, key);
  });
  return { keyspace: ks, leases, alarms: header.alarms };
}

/** Where a decoder finds each version's fields. */
interface Columns {
  readonly header: SnapshotHeader;
  readonly keys: Buffer;
  readonly keysAt: number;
  readonly values: Buffer;
  readonly valuesAt: number;
  createRevision(i: number): number;
  modRevision(i: number): number;
  version(i: number): number;
  lease(i: number): number;
  keyLength(i: number): number;
  valueLength(i: number): number;
}

function invalid(why: string): MvccError {
  return new MvccError('invalidRequest', `not an MVCC snapshot: ${why}`);
}

/** The columns of a version-2 snapshot (copied into aligned arrays: the bytes may sit anywhere). */
function readColumns(buf: Buffer): Columns {
  if (buf.length < MAGIC.length + 4) throw invalid('truncated header');
  const headLength = buf.readUInt32LE(MAGIC.length);
  const header = packr.unpack(buf.subarray(MAGIC.length + 4, MAGIC.length + 4 + headLength)) as SnapshotHeader;
  const { count, keyBytes, valueBytes } = header;
  const columnsAt = align8(MAGIC.length + 4 + headLength);
  const floatBytes = count * 8 * FLOAT_COLUMNS;
  const u32Bytes = count * 4 * U32_COLUMNS;
  const blobsAt = columnsAt + floatBytes + u32Bytes;
  if (buf.length !== blobsAt + keyBytes + valueBytes) throw invalid('its length does not match its header');
  const floats = new Float64Array(count * FLOAT_COLUMNS);
  new Uint8Array(floats.buffer).set(buf.subarray(columnsAt, columnsAt + floatBytes));
  const u32s = new Uint32Array(count * U32_COLUMNS);
  new Uint8Array(u32s.buffer).set(buf.subarray(columnsAt + floatBytes, blobsAt));
  return {
    header,
    keys: buf,
    keysAt: blobsAt,
    values: buf,
    valuesAt: blobsAt + keyBytes,
    createRevision: (i) => floats[i] as number,
    modRevision: (i) => floats[count + i] as number,
    version: (i) => floats[2 * count + i] as number,
    lease: (i) => floats[3 * count + i] as number,
    keyLength: (i) => u32s[i] as number,
    valueLength: (i) => u32s[count + i] as number,
  };
}

/** The version-1 document: one msgpack map of columns. */
interface SnapshotDocument {
  readonly format: 1;
  readonly revision: number;
  readonly compactRevision: number;
  readonly alarms: AlarmType[];
  readonly leaseIds: number[];
  readonly leaseTtls: number[];
  readonly keyLengths: number[];
  readonly keys: Uint8Array;
  readonly valueLengths: number[];
  readonly values: Uint8Array;
  readonly createRevisions: number[];
  readonly modRevisions: number[];
  readonly versions: number[];
  readonly leases: number[];
}

/** The columns of a version-1 snapshot. */
function readDocument(buf: Buffer): Columns {
  let doc: SnapshotDocument;
  try {
    doc = packr.unpack(buf) as SnapshotDocument;
  } catch {
    throw invalid('neither format');
  }
  if (doc?.format !== 1) throw invalid('neither format');
  const at = (column: number[]) => (i: number) => column[i] as number;
  return {
    header: {
      revision: doc.revision,
      compactRevision: doc.compactRevision,
      alarms: doc.alarms,
      leaseIds: doc.leaseIds,
      leaseTtls: doc.leaseTtls,
      count: doc.keyLengths.length,
      keyBytes: doc.keys.length,
      valueBytes: doc.values.length,
    },
    keys: asBuffer(doc.keys),
    keysAt: 0,
    values: asBuffer(doc.values),
    valuesAt: 0,
    createRevision: at(doc.createRevisions),
    modRevision: at(doc.modRevisions),
    version: at(doc.versions),
    lease: at(doc.leases),
    keyLength: at(doc.keyLengths),
    valueLength: at(doc.valueLengths),
  };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
