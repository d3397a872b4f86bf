// Crash safety with real processes: a child writes and reports each acknowledged key; it is
// killed with SIGKILL at random (seeded) moments, many times; after every restart every
// acknowledged key is there with its value.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Prng } from '../sim/prng.js';
import { openStore } from './embedded.js';

// Tests run compiled from dist/ (plain node) or from source through tsx: spawn the fixture alike.
const fromSource = import.meta.url.endsWith('.ts');
const loader = fromSource ? ['--import', 'tsx'] : [];
const fixture = fileURLToPath(new URL(`./crash-writer.test.fixture.${fromSource ? 'ts' : 'js'}`, import.meta.url));

/** Runs the writer until `killAfterMs` after it is ready, SIGKILLs it, returns the acked numbers. */
function runAndKill(dir: string, from: number, killAfterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...loader, fixture, dir, String(from)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: number[] = [];
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        else if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

t.test('SIGKILL at random moments never loses an acknowledged write', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-crash-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const rng = new Prng(20261128);
  const acked = new Set<number>();
  let from = 0;
  const rounds = 12;
  for (let round = 0; round < rounds; round++) {
    const got = await runAndKill(dir, from, rng.int(50, 700));
    for (const n of got) acked.add(n);
    from += 100_000; // each life writes its own keys, so none is overwritten
    const store = await openStore({ dataDir: dir, tickMs: 20 });
    try {
      let missing = 0;
      for (const n of acked) {
        const r = await store.range(`key-${n}`, { serializable: true });
        const value = r.kvs[0]?.value;
        if (value === undefined || Buffer.from(value).toString() !== `value-${n}`) missing++;
      }
      t.equal(missing, 0, `round ${round}: all ${acked.size} acknowledged keys are there`);
    } finally {
      await store.close();
    }
  }
  t.ok(acked.size > rounds * 10, `the writer made progress (${acked.size} acknowledged puts)`);
});
