/**
 * Snapshots of the state machine, one file each, named `<index>-<term>.snap` (16 hex digits
 * each). A file is `magic | u32 version | u32 metaLength | u64 dataLength | meta (JSON) | data |
 * u32 crc32 of everything before`. It is written to a temp file, synced, renamed and the
 * directory synced, so a snapshot file is complete or absent; damage is still checked on load.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Snapshot, SnapshotMeta } from '../raft/types.js';
import { StorageError, ioError } from './errors.js';
import { datasync, removeTempFiles, syncDir, writeFileDurably, type SyncFile } from './files.js';

/** How to open a {@link SnapshotStore}. */
export interface SnapshotStoreOptions {
  /** How many snapshot files `save` keeps (the newest); at least 1. Default 3. */
  readonly retain?: number;
  /** Makes a file's data durable. Default `fdatasync`. */
  readonly sync?: SyncFile;
}

/** A snapshot file, as its name describes it. */
export interface SnapshotFile {
  readonly index: number;
  readonly term: number;
  readonly path: string;
}

const MAGIC = Buffer.from('BOSUNSNP', 'latin1');
const VERSION = 1;
const HEADER_BYTES = 24;
const TRAILER_BYTES = 4;
const FILE_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;

/** A snapshot file is synced every this many bytes as it is written (see writeFileDurably). */
const SYNC_STEP_BYTES = 4 * 1024 * 1024;

/** Bytes checksummed per turn of the event loop when saving: large snapshots do not stall it. */
const CRC_STEP_BYTES = 4 * 1024 * 1024;

/** The crc32 of `data` continuing from `crc`, a step per turn of the event loop. */
async function crc32InSteps(data: Uint8Array, crc: number): Promise<number> {
  let value = crc;
  for (let at = 0; at < data.length; at += CRC_STEP_BYTES) {
    if (at > 0) await new Promise((resolve) => setImmediate(resolve));
    value = crc32(data.subarray(at, at + CRC_STEP_BYTES), value);
  }
  return value;
}

/** The snapshot files of one member, newest kept, older pruned. */
export class SnapshotStore {
  private constructor(
    /** The directory holding the snapshot files. */
    readonly dir: string,
    private readonly retain: number,
    private readonly sync: SyncFile,
  ) {}

  /** Opens (creating if needed) the store in `dir`, removing temp files a crash left behind. */
  static async open(dir: string, options: SnapshotStoreOptions = {}): Promise<SnapshotStore> {
    const retain = options.retain ?? 3;
    if (!Number.isSafeInteger(retain) || retain < 1) throw new RangeError(`retain must be >= 1, got ${retain}`);
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw ioError('create snapshot directory', err, dir);
    }
    await removeTempFiles(dir);
    return new SnapshotStore(dir, retain, options.sync ?? datasync);
  }

  /** Writes `snapshot` durably, then prunes all but the newest `retain` files. */
  async save(snapshot: Snapshot): Promise<SnapshotFile> {
    const { index, term } = snapshot.meta;
    const path = join(this.dir, fileName(index, term));
    const meta = Buffer.from(JSON.stringify(snapshot.meta), 'utf8');
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header, 0);
    header.writeUInt32LE(VERSION, 8);
    header.writeUInt32LE(meta.length, 12);
    header.writeUInt32LE(snapshot.data.length % 2 ** 32, 16);
    header.writeUInt32LE(Math.floor(snapshot.data.length / 2 ** 32), 20);
    const trailer = Buffer.alloc(TRAILER_BYTES);
    trailer.writeUInt32LE(await crc32InSteps(snapshot.data, crc32(meta, crc32(header))), 0);
    await writeFileDurably(path, [header, meta, snapshot.data, trailer], this.sync, SYNC_STEP_BYTES);
    await this.prune();
    return { index, term, path };
  }

  /** The snapshot files, newest (highest index, then term) first. Nothing is read but names. */
  async list(): Promise<SnapshotFile[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      throw ioError('list snapshots', err, this.dir);
    }
    const files: SnapshotFile[] = [];
    for (const name of names) {
      const m = FILE_NAME.exec(name);
      if (m?.[1] === undefined || m[2] === undefined) continue;
      files.push({ index: parseInt(m[1], 16), term: parseInt(m[2], 16), path: join(this.dir, name) });
    }
    return files.sort((a, b) => b.index - a.index || b.term - a.term);
  }

  /** Reads and verifies one snapshot file. Throws `corrupt` (with the file and offset) or `missing`. */
  async load(file: SnapshotFile): Promise<Snapshot> {
    let buf: Buffer;
    try {
      buf = await readFile(file.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new StorageError('missing', 'snapshot file is gone', { file: file.path });
      throw ioError('read snapshot', err, file.path);
    }
    return decodeSnapshot(buf, file);
  }

  /**
   * Loads the newest snapshot that `accept` allows and that reads back intact. Damaged files
   * are skipped and returned in `corrupt`, so the caller can report them.
   */
  async loadNewest(
    accept: (file: SnapshotFile) => boolean = () => true,
  ): Promise<{ snapshot: Snapshot | undefined; corrupt: StorageError[] }> {
    const corrupt: StorageError[] = [];
    for (const file of await this.list()) {
      if (!accept(file)) continue;
      try {
        return { snapshot: await this.load(file), corrupt };
      } catch (err) {
        if (!(err instanceof StorageError) || err.code !== 'corrupt') throw err;
        corrupt.push(err);
      }
    }
    return { snapshot: undefined, corrupt };
  }

  /** Removes all but the newest `retain` snapshot files; resolves to how many it removed. */
  async prune(retain: number = this.retain): Promise<number> {
    const stale = (await this.list()).slice(Math.max(retain, 1));
    try {
      for (const file of stale) await rm(file.path, { force: true });
    } catch (err) {
      throw ioError('prune snapshots', err, this.dir);
    }
    if (stale.length > 0) await syncDir(this.dir);
    return stale.length;
  }
}

function fileName(index: number, term: number): string {
  return `${index.toString(16).padStart(16, '0')}-${term.toString(16).padStart(16, '0')}.snap`;
}

function decodeSnapshot(buf: Buffer, file: SnapshotFile): Snapshot {
  const fail = (detail: string, offset: number) => new StorageError('corrupt', detail, { file: file.path, offset });
  if (buf.length < HEADER_BYTES + TRAILER_BYTES) throw fail(`snapshot file is only ${buf.length} bytes`, 0);
  if (!buf.subarray(0, 8).equals(MAGIC)) throw fail('not a snapshot file (bad magic)', 0);
  const version = buf.readUInt32LE(8);
  if (version !== VERSION) throw fail(`unknown snapshot format version ${version}`, 8);
  const metaLength = buf.readUInt32LE(12);
  const dataLength = buf.readUInt32LE(16) + buf.readUInt32LE(20) * 2 ** 32;
  const expected = HEADER_BYTES + metaLength + dataLength + TRAILER_BYTES;
  if (buf.length !== expected) throw fail(`snapshot file is ${buf.length} bytes, its header says ${expected}`, 12);
  const crcAt = buf.length - TRAILER_BYTES;
  if (crc32(buf.subarray(0, crcAt)) !== buf.readUInt32LE(crcAt)) throw fail('checksum mismatch', crcAt);
  let meta: SnapshotMeta;
  try {
    meta = JSON.parse(buf.subarray(HEADER_BYTES, HEADER_BYTES + metaLength).toString('utf8')) as SnapshotMeta;
  } catch {
    throw fail('snapshot metadata is not JSON', HEADER_BYTES);
  }
  if (meta.index !== file.index || meta.term !== file.term || !isConfState(meta.confState)) {
    throw fail(`snapshot metadata (index ${meta.index}, term ${meta.term}) does not match the file name`, HEADER_BYTES);
  }
  return { meta, data: new Uint8Array(buf.subarray(HEADER_BYTES + metaLength, crcAt)) };
}

function isConfState(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { voters, learners } = value as { voters?: unknown; learners?: unknown };
  return Array.isArray(voters) && Array.isArray(learners);
}
