import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { EncryptionConfig } from './encryption.js';
import {
  AES_GCM_PREFIX,
  EncryptionError,
  aesGcmTransformer,
  isEncryptedValue,
  loadEncryptionConfig,
  parseEncryptionConfig,
} from './encryption.js';

const secret = () => randomBytes(32).toString('base64');
const config = (...names: string[]): EncryptionConfig =>
  parseEncryptionConfig(JSON.stringify({ keys: names.map((name) => ({ name, secret: secret() })) }));
const utf8 = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const bytes = (s: string) => Buffer.from(s, 'utf8');
const ctx = { key: '/registry/core/secrets/default/db' };
const plaintext = '{"kind":"Secret","data":{"password":"aHVudGVyMg=="}}';

function caught(fn: () => unknown): EncryptionError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EncryptionError) return err;
    throw err;
  }
  throw new Error('expected an EncryptionError');
}

t.test('round trip: the stored value carries the prefix and key name and hides the plaintext', async (t) => {
  const tr = aesGcmTransformer(config('key1'));
  const stored = tr.toStorage(bytes(plaintext), ctx);
  const asText = Buffer.from(stored).toString('latin1');
  t.ok(asText.startsWith(`${AES_GCM_PREFIX}key1:`), asText.slice(0, 30));
  t.notMatch(asText, /password|aHVudGVyMg/);
  t.ok(isEncryptedValue(stored));
  t.equal(stored.length, `${AES_GCM_PREFIX}key1:`.length + 12 + plaintext.length + 16);
  t.equal(utf8(tr.fromStorage(stored, ctx)), plaintext);
  const again = tr.toStorage(bytes(plaintext), ctx);
  t.not(Buffer.from(again).toString('hex'), Buffer.from(stored).toString('hex'), 'a fresh nonce per write');
  t.equal(utf8(tr.fromStorage(tr.toStorage(new Uint8Array(0), ctx), ctx)), '', 'empty values round trip');
});

t.test('the storage key is authenticated: a ciphertext moved to another key does not open', async (t) => {
  const tr = aesGcmTransformer(config('key1'));
  const stored = tr.toStorage(bytes(plaintext), ctx);
  const err = caught(() => tr.fromStorage(stored, { key: '/registry/core/secrets/default/other' }));
  t.equal(err.code, 'decryptFailed');
  t.match(err.message, /unable to decrypt with key "key1": authentication failed/);
  t.notMatch(err.message, /password/);
});

t.test('a value under an unknown key fails with a clear error', async (t) => {
  const old = aesGcmTransformer(config('key0'));
  const stored = old.toStorage(bytes(plaintext), ctx);
  const err = caught(() => aesGcmTransformer(config('key1')).fromStorage(stored, ctx));
  t.equal(err.code, 'unknownKey');
  t.equal(err.message, 'unable to decrypt: no key "key0"');
});

t.test('a value encrypted with a different secret under the same name fails authentication', async (t) => {
  const stored = aesGcmTransformer(config('key1')).toStorage(bytes(plaintext), ctx);
  const err = caught(() => aesGcmTransformer(config('key1')).fromStorage(stored, ctx));
  t.equal(err.code, 'decryptFailed');
});

t.test('tampering with any byte after the key name fails; truncation fails', async (t) => {
  const tr = aesGcmTransformer(config('key1'));
  const stored = Buffer.from(tr.toStorage(bytes(plaintext), ctx));
  const start = `${AES_GCM_PREFIX}key1:`.length;
  // The nonce, a ciphertext byte and the last tag byte.
  for (const at of [start, start + 12, start + 20, stored.length - 1]) {
    const bad = Buffer.from(stored);
    bad[at] = (bad[at] ?? 0) ^ 0x01;
    t.equal(caught(() => tr.fromStorage(bad, ctx)).code, 'decryptFailed', `byte ${at}`);
  }
  t.equal(caught(() => tr.fromStorage(stored.subarray(0, start + 20), ctx)).code, 'decryptFailed', 'truncated');
  t.equal(caught(() => tr.fromStorage(stored.subarray(0, start - 1), ctx)).code, 'decryptFailed', 'no name end');
  const renamed = Buffer.concat([Buffer.from(`${AES_GCM_PREFIX}key9:`), stored.subarray(start)]);
  t.equal(caught(() => tr.fromStorage(renamed, ctx)).code, 'unknownKey');
  const otherProvider = Buffer.from('k8s:enc:aescbc:v1:key1:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
  t.match(caught(() => tr.fromStorage(otherProvider, ctx)).message, /unsupported provider/);
});

t.test('identity fallback: plaintext written before encryption still reads', async (t) => {
  const tr = aesGcmTransformer(config('key1'));
  t.equal(utf8(tr.fromStorage(bytes(plaintext), ctx)), plaintext);
  t.notOk(isEncryptedValue(bytes(plaintext)));
});

t.test('rotation: the first key writes, every key reads', async (t) => {
  const k1 = { name: 'key1', secret: secret() };
  const k2 = { name: 'key2', secret: secret() };
  const before = aesGcmTransformer(parseEncryptionConfig(JSON.stringify({ keys: [k1] })));
  const after = aesGcmTransformer(parseEncryptionConfig(JSON.stringify({ keys: [k2, k1] })));
  const old = before.toStorage(bytes(plaintext), ctx);
  t.equal(utf8(after.fromStorage(old, ctx)), plaintext, 'the old key still decrypts');
  const rewritten = after.toStorage(after.fromStorage(old, ctx), ctx);
  t.ok(Buffer.from(rewritten).toString('latin1').startsWith(`${AES_GCM_PREFIX}key2:`), 'new writes use key2');
  const dropped = aesGcmTransformer(parseEncryptionConfig(JSON.stringify({ keys: [k2] })));
  t.equal(utf8(dropped.fromStorage(rewritten, ctx)), plaintext, 'after the rewrite key1 can go');
  t.equal(caught(() => dropped.fromStorage(old, ctx)).message, 'unable to decrypt: no key "key1"');
});

t.test('key files: YAML and JSON load; bad files are rejected with the reason', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-encryption-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const s = secret();
  const yamlPath = join(dir, 'keys.yaml');
  await writeFile(yamlPath, `keys:\n  - name: key2\n    secret: ${s}\n  - name: key1\n    secret: ${secret()}\n`);
  const fromYaml = await loadEncryptionConfig(yamlPath);
  t.same(
    fromYaml.keys.map((k) => k.name),
    ['key2', 'key1'],
  );
  t.equal(Buffer.from(fromYaml.keys[0]?.secret ?? []).toString('base64'), s);
  const jsonPath = join(dir, 'keys.json');
  await writeFile(jsonPath, JSON.stringify({ keys: [{ name: 'a', secret: s }] }));
  t.equal((await loadEncryptionConfig(jsonPath)).keys.length, 1);
  const missing = await loadEncryptionConfig(join(dir, 'nope')).catch((e: unknown) => e);
  t.ok(missing instanceof EncryptionError && missing.code === 'invalidConfig');

  const bad: [string, RegExp][] = [
    ['keys: [', /not valid YAML or JSON/],
    ['{}', /"keys" must be a non-empty list/],
    ['keys: []', /"keys" must be a non-empty list/],
    ['keys: [x]', /keys\[0\]: must be an object/],
    [`keys: [{ secret: ${s} }]`, /keys\[0\]\.name/],
    [`keys: [{ name: "a:b", secret: ${s} }]`, /keys\[0\]\.name/],
    [`keys: [{ name: a, secret: ${s} }, { name: a, secret: ${s} }]`, /keys\[1\]\.name: duplicate key name "a"/],
    ['keys: [{ name: a }]', /keys\[0\]\.secret: must be a base64 string/],
    [`keys: [{ name: a, secret: ${randomBytes(16).toString('base64')} }]`, /exactly 32 random bytes/],
    ['keys: [{ name: a, secret: "not base64 at all!!" }]', /exactly 32 random bytes/],
  ];
  for (const [i, [text, message]] of bad.entries()) {
    const err = caught(() => parseEncryptionConfig(text, 'keys.yaml'));
    t.equal(err.code, 'invalidConfig', `case ${i}`);
    t.match(err.message, message, `case ${i}: ${String(message)}`);
    t.notMatch(err.message, s, 'a secret never appears in an error');
  }
});
