import { randomBytes } from 'node:crypto';
import t from 'tap';
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { ResourceDefinition } from '../registry/definition.js';
import { plainResource, tempStore } from '../testing.js';
import type { ValueTransformer } from './encryption.js';
import { AES_GCM_PREFIX, aesGcmTransformer, parseEncryptionConfig } from './encryption.js';
import { ObjectStore } from './object-store.js';

const secrets = plainResource({ kind: 'Secret', plural: 'secrets' });
const configmaps = plainResource({ kind: 'ConfigMap', plural: 'configmaps' });
const PASSWORD = Buffer.from('correct horse battery staple').toString('base64');
const secret = (name: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default' },
    data: { password: PASSWORD },
  }) as KubeObject;
const keyFile = (...names: string[]) =>
  parseEncryptionConfig(
    JSON.stringify({ keys: names.map((name) => ({ name, secret: randomBytes(32).toString('base64') })) }),
  );
const onlySecrets = (tr: ValueTransformer) => (def: ResourceDefinition) => (def.plural === 'secrets' ? tr : undefined);

t.test('Secrets are encrypted in the store and read back decrypted; other resources stay plain', async (t) => {
  const { store, close } = await tempStore();
  t.teardown(close);
  const objects = new ObjectStore(store, { transformers: onlySecrets(aesGcmTransformer(keyFile('key1'))) });
  const created = await objects.create(secrets, secret('db'));
  await objects.create(configmaps, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'default' },
  });

  const raw = (await store.range('/registry/core/secrets/default/db')).kvs[0];
  const rawText = Buffer.from(raw?.value ?? []).toString('latin1');
  t.ok(rawText.startsWith(`${AES_GCM_PREFIX}key1:`), 'the stored value is sealed with key1');
  t.notMatch(rawText, PASSWORD, 'the data is not in the store');
  t.notMatch(rawText, /password/, 'nor are the data keys');
  const rawCm = (await store.range('/registry/core/configmaps/default/c')).kvs[0];
  t.match(Buffer.from(rawCm?.value ?? []).toString('utf8'), /^\{"metadata":\{"name":"c"/, 'ConfigMaps are plain JSON');

  const got = await objects.get(secrets, 'default', 'db');
  t.same(got?.['data'], { password: PASSWORD });
  t.equal(got?.metadata.resourceVersion, created.metadata.resourceVersion);
  const updated = await objects.update(
    secrets,
    { ...(got as KubeObject), data: { password: 'bmV3' } } as KubeObject,
    Number(got?.metadata.resourceVersion),
  );
  const page = await objects.list(secrets, { namespace: 'default' });
  t.same(
    page.items.map((o) => o['data']),
    [{ password: 'bmV3' }],
    'list decrypts',
  );
  t.equal(page.items[0]?.metadata.resourceVersion, updated.metadata.resourceVersion);
  if (raw === undefined) throw new Error('unreachable');
  t.same(objects.decode(raw)['data'], { password: PASSWORD }, 'decode without def uses the resource of the key');
});

t.test(
  'plaintext written before encryption reads; after rotation old values read and new writes use the new key',
  async (t) => {
    const { store, close } = await tempStore();
    t.teardown(close);
    await new ObjectStore(store).create(secrets, secret('old-plain'));
    const k1 = keyFile('key1');
    const v1 = new ObjectStore(store, { transformers: onlySecrets(aesGcmTransformer(k1)) });
    t.same((await v1.get(secrets, 'default', 'old-plain'))?.['data'], { password: PASSWORD }, 'identity fallback');
    await v1.create(secrets, secret('under-key1'));

    const k2 = keyFile('key2');
    const rotated = new ObjectStore(store, {
      transformers: onlySecrets(aesGcmTransformer({ keys: [...k2.keys, ...k1.keys] })),
    });
    const old = await rotated.get(secrets, 'default', 'under-key1');
    t.same(old?.['data'], { password: PASSWORD }, 'key1 still decrypts');
    // Rewrite, as `kubectl get secrets -A -o json | kubectl replace -f -` does.
    await rotated.update(secrets, old as KubeObject, Number(old?.metadata.resourceVersion));
    const raw = (await store.range('/registry/core/secrets/default/under-key1')).kvs[0];
    t.ok(
      Buffer.from(raw?.value ?? [])
        .toString('latin1')
        .startsWith(`${AES_GCM_PREFIX}key2:`),
      'rewritten with key2',
    );

    const onlyKey2 = new ObjectStore(store, { transformers: onlySecrets(aesGcmTransformer(k2)) });
    t.same((await onlyKey2.get(secrets, 'default', 'under-key1'))?.['data'], { password: PASSWORD });
  },
);

t.test('a value under an unknown key, or encrypted with encryption turned off, fails with 500', async (t) => {
  const { store, close } = await tempStore();
  t.teardown(close);
  const v0 = new ObjectStore(store, { transformers: onlySecrets(aesGcmTransformer(keyFile('key0'))) });
  await v0.create(secrets, secret('s'));

  const v1 = new ObjectStore(store, { transformers: onlySecrets(aesGcmTransformer(keyFile('key1'))) });
  const err = await v1.get(secrets, 'default', 's').catch((e: unknown) => e);
  t.ok(err instanceof ApiError);
  t.equal((err as ApiError).reason, 'InternalError');
  t.equal((err as ApiError).code, 500);
  t.equal((err as ApiError).message, 'unable to decrypt: no key "key0"');
  const listErr = await v1.list(secrets).catch((e: unknown) => e);
  t.equal((listErr as ApiError).reason, 'InternalError', 'a list fails too, rather than skip or return garbage');

  const plain = new ObjectStore(store);
  const offErr = await plain.get(secrets, 'default', 's').catch((e: unknown) => e);
  t.equal((offErr as ApiError).reason, 'InternalError');
  t.match((offErr as ApiError).message, /unable to decrypt: encryption at rest is not configured/);
  t.notMatch((offErr as ApiError).message, PASSWORD);
});
