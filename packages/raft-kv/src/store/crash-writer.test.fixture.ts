// A child process for the crash test: writes keys from --from on, 16 in flight, and prints
// "ack <n>" once each put resolved (acknowledged = durable). Killed with SIGKILL by the parent.
import { openStore } from './embedded.js';

const [dir, fromText] = process.argv.slice(2);
const store = await openStore({ dataDir: dir as string, tickMs: 20, snapshotCount: 200 });
process.stdout.write('ready\n');
let next = Number(fromText);
async function writer(): Promise<void> {
  for (;;) {
    const n = next++;
    await store.put(`key-${n}`, `value-${n}`);
    process.stdout.write(`ack ${n}\n`);
  }
}
await Promise.all(Array.from({ length: 16 }, writer));
