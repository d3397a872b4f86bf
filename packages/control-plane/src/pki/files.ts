/** The PKI's files on disk: their names, atomic writes with a given mode, and reads. */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The mode of private keys: readable by the owner only. */
export const PRIVATE_MODE = 0o600;
/** The mode of certificates and public keys. */
export const PUBLIC_MODE = 0o644;

/** Where each PKI file lives in the PKI directory. */
export interface PkiPaths {
  readonly caCert: string;
  readonly caKey: string;
  readonly apiserverCert: string;
  readonly apiserverKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  /** The ServiceAccount token signing key (PKCS#8 PEM). */
  readonly serviceAccountKey: string;
  /** Its public key (SPKI PEM), for verifying tokens. */
  readonly serviceAccountPublicKey: string;
}

/** The file names of the PKI in `dir` (ca.crt, ca.key, apiserver.crt, ..., sa.key, sa.pub). */
export function pkiPaths(dir: string): PkiPaths {
  return {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    apiserverCert: join(dir, 'apiserver.crt'),
    apiserverKey: join(dir, 'apiserver.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPublicKey: join(dir, 'sa.pub'),
  };
}

/** The text of `path`, or undefined when it does not exist. */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Writes `text` to `path` atomically with `mode`: a temporary file beside it (created with the
 * mode, so a key is never readable by others, even for a moment), fsynced, then renamed over.
 */
export async function writeFileAtomic(path: string, text: string, mode: number): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx', mode);
    try {
      await handle.chmod(mode); // the umask may have narrowed it; never widen a key beyond `mode`
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Creates the PKI directory (owner-only) if needed. */
export async function ensureDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** Narrows a kept key file to {@link PRIVATE_MODE} if group or others may read it. */
export async function restrictKeyMode(path: string): Promise<void> {
  const { mode } = await stat(path);
  if ((mode & 0o077) !== 0) await chmod(path, PRIVATE_MODE);
}
