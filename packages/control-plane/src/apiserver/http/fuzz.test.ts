// A bounded fuzz of what decodes request input: random and mutated bodies for the JSON, YAML
// and protobuf decoders, the patch engines and the selector parsers. Each input must decode
// or fail with a 4xx ApiError — never another exception, never a hang. A failure prints its
// seed; BOSUN_SEED=<seed> replays it.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { ApiError } from '../api/errors.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, patchSchemaFor } from '../patch/index.js';
import { decodeKubeProtobuf } from '../protobuf/index.js';
import { parseFieldSelector, parseLabelSelector } from '../selectors/index.js';
import { decodeObject, decodePatch } from './body.js';

/** A small seeded PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const fixture = (name: string) =>
  readFileSync(new URL(`../../../src/apiserver/protobuf/fixtures/${name}`, import.meta.url));
const samples = {
  json: Buffer.from(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { a: 'b' } },
      spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] },
    }),
  ),
  yaml: Buffer.from(
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: "1"\n  b: &x [1, 2]\n  c: *x\n',
  ),
  protobuf: fixture('deployment.pb'),
  jsonPatch: Buffer.from(
    JSON.stringify([
      { op: 'replace', path: '/spec/containers/0/image', value: 'x' },
      { op: 'remove', path: '/metadata/labels/a' },
    ]),
  ),
  strategic: Buffer.from(
    JSON.stringify({
      spec: {
        $setElementOrder_containers: [{ name: 'c' }],
        containers: [{ name: 'c', image: 'y', $patch: 'replace' }],
      },
    }).replace('$setElementOrder_', '$setElementOrder/'),
  ),
  labels: Buffer.from('app in (web, api),tier!=db,!canary,release=v1'),
  fields: Buffer.from('metadata.name=x,spec.nodeName!=n\\,1'),
};
const target = JSON.parse(samples.json.toString()) as object;

function mutate(input: Buffer, random: () => number): Buffer {
  const out = Buffer.from(input);
  const edits = 1 + Math.floor(random() * 4);
  let buf = out;
  for (let e = 0; e < edits; e++) {
    const pos = Math.floor(random() * Math.max(1, buf.length));
    const kind = Math.floor(random() * 4);
    if (kind === 0 && buf.length > 0) buf[pos] = Math.floor(random() * 256);
    else if (kind === 1) buf = Buffer.concat([buf.subarray(0, pos), buf.subarray(pos + 1 + Math.floor(random() * 8))]);
    else if (kind === 2)
      buf = Buffer.concat([buf.subarray(0, pos), Buffer.from([Math.floor(random() * 256)]), buf.subarray(pos)]);
    else
      buf = Buffer.concat([
        buf.subarray(0, pos),
        buf.subarray(pos, pos + Math.floor(random() * 16)),
        buf.subarray(pos),
      ]);
  }
  return buf;
}

function randomBytes(random: () => number): Buffer {
  const n = Math.floor(random() * 64);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
}

/** Runs `fn`; an ApiError with a 4xx code is a fine answer, anything else is returned as a problem. */
function check(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof ApiError && err.code >= 400 && err.code < 500) return undefined;
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
}

const decoders: [string, keyof typeof samples, (input: Buffer) => unknown][] = [
  ['JSON object', 'json', (b) => decodeObject(b, 'application/json', decodeKubeProtobuf)],
  ['YAML object', 'yaml', (b) => decodeObject(b, 'application/yaml', decodeKubeProtobuf)],
  ['protobuf object', 'protobuf', (b) => decodeObject(b, 'application/vnd.kubernetes.protobuf', decodeKubeProtobuf)],
  ['apply patch', 'yaml', (b) => decodePatch(b, 'apply')],
  ['JSON patch', 'jsonPatch', (b) => applyJsonPatch(target, decodePatch(b, 'json'))],
  ['merge patch', 'json', (b) => applyMergePatch(target, decodePatch(b, 'merge'))],
  [
    'strategic merge patch',
    'strategic',
    (b) => applyStrategicMergePatch(target, decodePatch(b, 'strategic'), patchSchemaFor('Pod')),
  ],
  ['label selector', 'labels', (b) => parseLabelSelector(b.toString('utf8'))],
  ['field selector', 'fields', (b) => parseFieldSelector(b.toString('utf8'))],
];

t.test('decoders answer every random or mutated input with a value or a 4xx', async (t) => {
  const seed = Number(process.env.BOSUN_SEED ?? Date.now() % 1_000_000);
  t.comment(`seed ${seed} (replay with BOSUN_SEED=${seed})`);
  const random = prng(seed);
  const deadline = Date.now() + 5_000;
  let runs = 0;
  const problems: string[] = [];
  while (runs < 20_000 && Date.now() < deadline && problems.length === 0) {
    for (const [name, sample, decode] of decoders) {
      const input = random() < 0.8 ? mutate(samples[sample], random) : randomBytes(random);
      const problem = check(() => decode(input));
      if (problem !== undefined)
        problems.push(
          `${name} on ${JSON.stringify(input.toString('latin1').slice(0, 200))}: ${problem} (seed ${seed}, run ${runs})`,
        );
      runs += 1;
    }
  }
  t.same(problems, [], `${runs} inputs`);
  t.ok(runs >= decoders.length * 100, `enough inputs ran (${runs})`);
});
