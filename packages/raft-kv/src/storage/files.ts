/**
 * Durable file operations shared by the WAL and the snapshot store: positional writes that
 * finish, atomic file creation (temp file, sync, rename, directory sync) and directory sync.
 */
import { open, rename, rm, readdir, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ioError } from './errors.js';

/** Makes a file's data durable. The default is `fdatasync`; tests inject one that counts or fails. */
export type SyncFile = (file: FileHandle) => Promise<void>;

/** The default {@link SyncFile}: `fdatasync(2)`. */
export const datasync: SyncFile = (file) => file.datasync();

/** The suffix of a file being written; such files are removed at open. */
export const TEMP_SUFFIX = '.tmp';

/** Syncs a directory, so that a file created, renamed or removed in it stays so after a crash. */
export async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    throw ioError('sync directory', err, dir);
  } finally {
    await handle?.close();
  }
}

/** Writes all of `data` at `position`, looping over short writes. */
export async function writeAll(file: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await file.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

/**
 * Creates `path` with `chunks` as its content, durably and atomically: the bytes go to a temp
 * file that is synced, renamed into place, and then the directory is synced. After a crash the
 * file either does not exist or is complete. With `syncEveryBytes`, the file is also synced
 * each time that much more was written: a large file then never holds the disk in one long
 * flush that every WAL fsync of the machine would wait behind.
 */
export async function writeFileDurably(
  path: string,
  chunks: readonly Uint8Array[],
  sync: SyncFile,
  syncEveryBytes = Infinity,
): Promise<void> {
  const temp = path + TEMP_SUFFIX;
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'w');
    let position = 0;
    let unsynced = 0;
    for (const chunk of chunks) {
      for (let at = 0; at < chunk.length;) {
        const piece = chunk.subarray(at, at + Math.min(chunk.length - at, syncEveryBytes - unsynced));
        await writeAll(handle, piece, position);
        position += piece.length;
        at += piece.length;
        unsynced += piece.length;
        if (unsynced >= syncEveryBytes) {
          await sync(handle);
          unsynced = 0;
        }
      }
    }
    await sync(handle);
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw ioError('write file', err, path);
  }
  await syncDir(dirname(path));
}

/** Removes files left by writes that a crash interrupted; syncs the directory if it removed any. */
export async function removeTempFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(TEMP_SUFFIX));
    for (const name of names) await rm(join(dir, name), { force: true });
  } catch (err) {
    throw ioError('remove temp files', err, dir);
  }
  if (names.length > 0) await syncDir(dir);
  return names;
}
