/**
 * The store's state as one msgpackr document, for Raft snapshots: every version still kept
 * (those below the compact revision first, then the change log in apply order), the leases,
 * the alarms and the revisions. Columns of numbers and two byte blobs (all keys, all values)
 * keep a million-key snapshot to a few arrays instead of millions of small objects.
 */
import { Buffer } from 'node:buffer';
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

/** The encoded document. Invariant: every column has one entry per version. */
interface SnapshotData {
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

const packr = new Packr({ useRecords: false });

/** Column builder for the versions. */
class Columns {
  readonly keys: string[] = [];
  readonly values: string[] = [];
  readonly createRevisions: number[] = [];
  readonly modRevisions: number[] = [];
  readonly versions: number[] = [];
  readonly leases: number[] = [];

  add(key: string, v: KeyVersion): void {
    this.keys.push(key);
    this.values.push(v.value);
    this.createRevisions.push(v.createRevision);
    this.modRevisions.push(v.modRevision);
    this.versions.push(v.version);
    this.leases.push(v.lease);
  }
}

/** Encodes the state. */
export function encodeSnapshot(state: SnapshotState): Uint8Array {
  const ks = state.keyspace;
  const columns = new Columns();
  ks.forEach((key, head) => {
    const older: KeyVersion[] = [];
    for (let v: KeyVersion | undefined = head; v !== undefined; v = v.prev) {
      if (v.modRevision < ks.compactRevision) older.push(v);
    }
    for (let i = older.length - 1; i >= 0; i--) columns.add(key, older[i] as KeyVersion);
  });
  for (let i = 0; i < ks.logLength; i++) columns.add(ks.logKey(i), ks.logVersion(i));
  const leases = state.leases.list();
  const data: SnapshotData = {
    format: 1,
    revision: ks.revision,
    compactRevision: ks.compactRevision,
    alarms: [...state.alarms],
    leaseIds: leases.map((l) => l.id),
    leaseTtls: leases.map((l) => l.ttl),
    keyLengths: columns.keys.map((k) => k.length),
    keys: Buffer.from(columns.keys.join(''), 'latin1'),
    valueLengths: columns.values.map((v) => v.length),
    values: Buffer.from(columns.values.join(''), 'latin1'),
    createRevisions: columns.createRevisions,
    modRevisions: columns.modRevisions,
    versions: columns.versions,
    leases: columns.leases,
  };
  return packr.pack(data);
}

/** Decodes a snapshot made by {@link encodeSnapshot}; `invalidRequest` if it is not one. */
export function decodeSnapshot(bytes: Uint8Array): SnapshotState {
  const data = packr.unpack(bytes) as SnapshotData;
  if (data?.format !== 1) throw new MvccError('invalidRequest', 'not an MVCC snapshot');
  const ks = new Keyspace();
  ks.revision = data.revision;
  ks.compactRevision = data.compactRevision;
  const keys = asBuffer(data.keys);
  const values = asBuffer(data.values);
  let keyAt = 0;
  let valueAt = 0;
  for (let i = 0; i < data.keyLengths.length; i++) {
    const key = keys.toString('latin1', keyAt, (keyAt += data.keyLengths[i] as number));
    const value = values.toString('latin1', valueAt, (valueAt += data.valueLengths[i] as number));
    const v = new KeyVersion(
      value,
      data.createRevisions[i] as number,
      data.modRevisions[i] as number,
      data.versions[i] as number,
      data.leases[i] as number,
      undefined,
    );
    ks.load(key, v);
  }
  ks.retrim();
  const leases = new LeaseTable();
  data.leaseIds.forEach((id, i) => leases.grant(id, data.leaseTtls[i] as number));
  ks.forEach((key, head) => {
    if (head.version > 0) leases.attach(head.lease, key);
  });
  return { keyspace: ks, leases, alarms: data.alarms };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
