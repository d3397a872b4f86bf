// Child process of crash.test.ts: opens the WAL in argv[2], then appends single-entry saves
// forever, 32 in flight, printing `ack <index>` after each save resolved, until it is killed.
// Every 100 entries it records a snapshot marker 50 entries back and releases what that covers.
// Run: node --import tsx crash-writer.test.fixture.ts <dir> <segmentBytes>
import { entry } from './fixtures.test.util.js';
import { openWal } from './open-wal.js';

const [dir, segmentBytes] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: crash-writer <dir> <segmentBytes>');
setTimeout(() => process.exit(3), 30_000).unref(); // never outlive a parent that forgot us
process.stdout.on('error', () => process.exit(0));

const { wal, log } = await openWal(dir, { segmentBytes: Number(segmentBytes) });
let next = log.lastIndex + 1;
process.stdout.write(`ready ${log.lastIndex}\n`);

function saveNext(): void {
  const index = next++;
  const done = wal.save({ entries: [entry(index)], hardState: { term: 1, vote: 'n1', commit: index } });
  void done.then(async () => {
    process.stdout.write(`ack ${index}\n`);
    if (index % 100 === 0) {
      await wal.markSnapshot({ index: index - 50, term: 1 });
      await wal.releaseTo(index - 50);
    }
    saveNext();
  });
}

for (let i = 0; i < 32; i++) saveNext();
