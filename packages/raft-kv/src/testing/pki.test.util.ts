/**
 * Test certificates made with openssl: a CA and, per name, a key and a certificate for
 * 127.0.0.1 signed by it (usable by servers and clients), in a `bosun-tls-` temp dir that the
 * test removes when it ends. Tests skip, with a message, when openssl is not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether `openssl` runs here. */
export const hasOpenssl = spawnSync('openssl', ['version'], { timeout: 10_000 }).status === 0;

/** The `skip` option of a test that needs openssl. */
export const skipWithoutOpenssl = hasOpenssl ? false : 'openssl is not installed: cannot make test certificates';

/** A key and certificate (PEM) and where they are on disk. */
export interface Issued {
  readonly cert: string;
  readonly key: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** A CA and what it signed. */
export interface Pki {
  readonly ca: Issued;
  readonly issued: Readonly<Record<string, Issued>>;
}

function openssl(dir: string, args: readonly string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, timeout: 30_000, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

function issued(dir: string, name: string): Issued {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
}

/** Makes a CA named `ca` in `dir` and signs a certificate for each of `names` (file names: `<name>.crt`, `<name>.key`). */
export function makePki(dir: string, ca: string, names: readonly string[]): Pki {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    `${ca}.key`,
    '-out',
    `${ca}.crt`,
    '-days',
    '1',
    '-subj',
    `/CN=${ca}`,
  ]);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  const out: Record<string, Issued> = {};
  for (const name of names) {
    openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
    ]);
    out[name] = issued(dir, name);
  }
  return { ca: issued(dir, ca), issued: out };
}

/** A `bosun-tls-` temp dir, removed when `t` ends. */
export function tlsDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
