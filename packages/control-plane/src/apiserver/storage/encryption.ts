/**
 * Encryption at rest (Kubernetes' EncryptionConfiguration, simplified to one provider): values
 * are sealed with AES-256-GCM under the first key of a key file, and every key of the file can
 * open them, so keys rotate by adding a new first key, restarting, and rewriting the objects.
 * A stored value is `k8s:enc:aesgcm:v1:<keyName>:` + 12-byte nonce + ciphertext + 16-byte tag,
 * with the object's storage key as additional authenticated data: a ciphertext copied to another
 * key does not open. Values without the prefix are plaintext written before encryption was turned
 * on and read as they are (the identity provider). Errors name keys, never values.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';

/** The prefix of every value this transformer writes; the key name and `:` follow. */
export const AES_GCM_PREFIX = 'k8s:enc:aesgcm:v1:';

/** The prefix every encrypted value starts with, whatever its provider. */
export const ENCRYPTED_VALUE_PREFIX = 'k8s:enc:';

/** The size of a key in bytes (AES-256). */
export const AES_GCM_KEY_BYTES = 32;

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** What a value is stored for: its storage key, bound to the ciphertext as authenticated data. */
export interface TransformContext {
  readonly key: string;
}

/**
 * Turns an object's bytes into what the store keeps and back (Kubernetes' value.Transformer).
 * Both directions are synchronous; `fromStorage` throws an {@link EncryptionError} rather than
 * return bytes it could not authenticate.
 */
export interface ValueTransformer {
  toStorage(value: Uint8Array, context: TransformContext): Uint8Array;
  fromStorage(value: Uint8Array, context: TransformContext): Uint8Array;
}

/** One named key. Invariant: `secret` is {@link AES_GCM_KEY_BYTES} long; `name` matches KEY_NAME. */
export interface EncryptionKey {
  readonly name: string;
  readonly secret: Uint8Array;
}

/** A parsed key file. Invariant: at least one key; names are unique; the first key encrypts. */
export interface EncryptionConfig {
  readonly keys: readonly EncryptionKey[];
}

/** Why encryption or decryption failed. */
export type EncryptionErrorCode =
  /** The key file is missing, unreadable or malformed. */
  | 'invalidConfig'
  /** The value names a key the configuration does not have. */
  | 'unknownKey'
  /** The value is truncated, uses another provider, or fails authentication. */
  | 'decryptFailed';

/** An operational error of encryption at rest; its message never contains a value. */
export class EncryptionError extends Error {
  constructor(
    readonly code: EncryptionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EncryptionError';
  }
}

/**
 * Parses a key file's text (YAML or JSON): `{ keys: [{ name, secret: <base64 of 32 bytes> }] }`.
 * `source` names the file in errors.
 */
export function parseEncryptionConfig(text: string, source = 'encryption config'): EncryptionConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new EncryptionError('invalidConfig', `${source}: not valid YAML or JSON: ${(err as Error).message}`);
  }
  const rawKeys = isRecord(doc) ? doc['keys'] : undefined;
  if (!Array.isArray(rawKeys) || rawKeys.length === 0)
    throw new EncryptionError('invalidConfig', `${source}: "keys" must be a non-empty list`);
  const seen = new Set<string>();
  const keys = rawKeys.map((raw: unknown, i): EncryptionKey => {
    const where = `${source}: keys[${i}]`;
    if (!isRecord(raw)) throw new EncryptionError('invalidConfig', `${where}: must be an object with name and secret`);
    const name = raw['name'];
    const secret = raw['secret'];
    if (typeof name !== 'string' || !KEY_NAME.test(name))
      throw new EncryptionError(
        'invalidConfig',
        `${where}.name: must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit`,
      );
    if (seen.has(name)) throw new EncryptionError('invalidConfig', `${where}.name: duplicate key name "${name}"`);
    seen.add(name);
    if (typeof secret !== 'string')
      throw new EncryptionError('invalidConfig', `${where}.secret: must be a base64 string`);
    return { name, secret: decodeSecret(secret, `${where}.secret`) };
  });
  return { keys };
}

/** Reads and parses a key file (see {@link parseEncryptionConfig}). */
export async function loadEncryptionConfig(path: string): Promise<EncryptionConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new EncryptionError('invalidConfig', `cannot read encryption config ${path}: ${(err as Error).message}`);
  }
  return parseEncryptionConfig(text, path);
}

/**
 * The AES-GCM transformer of a configuration: writes with the first key, reads with any key
 * (chosen by the name in the value), and reads values without {@link ENCRYPTED_VALUE_PREFIX}
 * unchanged.
 */
export function aesGcmTransformer(config: EncryptionConfig): ValueTransformer {
  const first = config.keys[0];
  if (first === undefined) throw new EncryptionError('invalidConfig', 'encryption config has no keys');
  const byName = new Map<string, Buffer>();
  for (const k of config.keys) {
    if (k.secret.length !== AES_GCM_KEY_BYTES)
      throw new EncryptionError('invalidConfig', `key "${k.name}" must be ${AES_GCM_KEY_BYTES} bytes`);
    byName.set(k.name, Buffer.from(k.secret));
  }
  const writeKey = byName.get(first.name) as Buffer;
  const writePrefix = Buffer.from(`${AES_GCM_PREFIX}${first.name}:`, 'latin1');
  return {
    toStorage(value, context) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', writeKey, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context.key, 'utf8'));
      const sealed = Buffer.concat([cipher.update(value), cipher.final()]);
      return Buffer.concat([writePrefix, nonce, sealed, cipher.getAuthTag()]);
    },
    fromStorage(value, context) {
      const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (!startsWith(bytes, ENCRYPTED_VALUE_PREFIX)) return value;
      if (!startsWith(bytes, AES_GCM_PREFIX))
        throw new EncryptionError('decryptFailed', 'unable to decrypt: the value uses an unsupported provider');
      const nameEnd = bytes.indexOf(0x3a /* : */, AES_GCM_PREFIX.length);
      if (nameEnd < 0) throw new EncryptionError('decryptFailed', 'unable to decrypt: the value has no key name');
      const name = bytes.subarray(AES_GCM_PREFIX.length, nameEnd).toString('latin1');
      const key = byName.get(name);
      if (key === undefined)
        throw new EncryptionError('unknownKey', `unable to decrypt: no key ${JSON.stringify(name)}`);
      const body = bytes.subarray(nameEnd + 1);
      if (body.length < NONCE_BYTES + TAG_BYTES)
        throw new EncryptionError('decryptFailed', `unable to decrypt with key "${name}": the value is truncated`);
      const nonce = body.subarray(0, NONCE_BYTES);
      const tag = body.subarray(body.length - TAG_BYTES);
      const sealed = body.subarray(NONCE_BYTES, body.length - TAG_BYTES);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context.key, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(sealed), decipher.final()]);
      } catch {
        throw new EncryptionError(
          'decryptFailed',
          `unable to decrypt with key "${name}": authentication failed (tampered, or stored under another key)`,
        );
      }
    },
  };
}

/** Whether stored bytes carry an encryption prefix (so they are not plaintext JSON). */
export function isEncryptedValue(value: Uint8Array): boolean {
  return startsWith(Buffer.from(value.buffer, value.byteOffset, value.byteLength), ENCRYPTED_VALUE_PREFIX);
}

function startsWith(bytes: Buffer, prefix: string): boolean {
  return bytes.length >= prefix.length && bytes.toString('latin1', 0, prefix.length) === prefix;
}

function decodeSecret(text: string, where: string): Uint8Array {
  const trimmed = text.trim();
  const secret = Buffer.from(trimmed, 'base64');
  // Buffer.from skips characters that are not base64; insist on the canonical encoding.
  if (secret.toString('base64') !== trimmed || secret.length !== AES_GCM_KEY_BYTES)
    throw new EncryptionError(
      'invalidConfig',
      `${where}: must be the standard base64 encoding of exactly ${AES_GCM_KEY_BYTES} random bytes (head -c 32 /dev/urandom | base64)`,
    );
  return secret;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
