// Crash test with real processes: a child appends to the WAL and prints each index once its
// save resolved; the parent SIGKILLs it at seeded random moments, reopens the log and checks
// that every acknowledged entry is there with the right bytes, then lets a new child go on.
// Replay a failure with BOSUN_CRASH_SEED=<seed> node scripts/test.mjs packages/raft-kv/src/storage/crash.test.ts
import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { entry, prng, tempDir } from './fixtures.test.util.js';
import { openWal } from './open-wal.js';

// Tests run compiled from dist/ (plain node) or from source through tsx: spawn the fixture alike.
const fromSource = import.meta.url.endsWith('.ts');
const loader = fromSource ? ['--import', 'tsx'] : [];
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const child = fileURLToPath(new URL(`./crash-writer.test.fixture.${fromSource ? 'ts' : 'js'}`, import.meta.url));
const SEGMENT_BYTES = 16 * 1024;
const KILLS = 15;

interface Run {
  readonly acks: number[];
  readonly readyAt: number;
}

/** Starts the writer, kills it `delayMs` after it is ready, and returns what it acknowledged. */
function runChild(dir: string, delayMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...loader, child, dir, String(SEGMENT_BYTES)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: number[] = [];
    let readyAt: number | undefined;
    let stdout = '';
    let stderr = '';
    let killed = false;
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const lines = stdout.split('\n');
      stdout = lines.pop() ?? '';
      for (const line of lines) {
        const [word, n] = line.split(' ');
        if (word === 'ack') acks.push(Number(n));
        if (word === 'ready' && readyAt === undefined) {
          readyAt = Number(n);
          setTimeout(() => {
            killed = true;
            proc.kill('SIGKILL'); // this child's PID only
          }, delayMs);
        }
      }
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (killed && signal === 'SIGKILL' && readyAt !== undefined) resolve({ acks, readyAt });
      else reject(new Error(`writer exited with ${code ?? signal} before it was killed:\n${stderr}`));
    });
  });
}

t.test('SIGKILL at random moments never loses an acknowledged entry', async (t) => {
  const seed = Number(process.env.BOSUN_CRASH_SEED ?? 0x5eed);
  t.comment(`seed ${seed}; replay with BOSUN_CRASH_SEED=${seed}`);
  const random = prng(seed);
  const dir = tempDir(t);
  let lastIndex = 0;
  let totalAcks = 0;
  for (let kill = 1; kill <= KILLS; kill++) {
    const delay = Math.floor(random() * 400);
    const { acks, readyAt } = await runChild(dir, delay);
    const where = `kill ${kill} after ${delay} ms (seed ${seed})`;
    t.equal(readyAt, lastIndex, `${where}: the writer recovered what the parent saw`);
    totalAcks += acks.length;

    const { wal, log } = await openWal(dir, { segmentBytes: SEGMENT_BYTES });
    const first = log.entries[0]?.index ?? log.lastIndex + 1;
    const newestMarker = log.snapshots.at(-1)?.index ?? 0;
    t.ok(
      first <= newestMarker + 1,
      `${where}: no gap between the snapshot marker ${newestMarker} and the log (${first})`,
    );
    const maxAck = acks.at(-1) ?? lastIndex;
    t.ok(log.lastIndex >= maxAck, `${where}: log ends at ${log.lastIndex}, acknowledged up to ${maxAck}`);
    t.ok(log.hardState.commit >= maxAck, `${where}: the hard state of every acknowledged save survived`);
    const missing = acks.filter((i) => i >= first && !sameEntry(log.entries[i - first], i));
    t.same(missing, [], `${where}: every acknowledged entry is present and intact`);
    const damaged = log.entries.filter((e) => !sameEntry(e, e.index));
    t.same(damaged, [], `${where}: every recovered entry has the bytes written for its index`);
    lastIndex = log.lastIndex;
    await wal.close();
  }
  t.ok(totalAcks > KILLS, `the writers acknowledged ${totalAcks} saves in ${KILLS} runs`);
});

function sameEntry(e: { index: number; term: number; data: Uint8Array } | undefined, index: number): boolean {
  const expected = entry(index);
  return e !== undefined && e.index === index && e.term === 1 && Buffer.from(e.data).equals(expected.data);
}
