/** `bosun down`: stops the `bosun up` of a data dir (by the pid in its pid file) and waits for it to exit. */
import type { Command } from 'commander';
import type { Io } from '../program.js';
import { alive, readPidFile } from './pid-file.js';
import { dataDirOf } from './up.js';

interface DownFlags {
  readonly dataDir?: string;
  readonly timeout: string;
}

/** Adds `down` to the program. */
export function registerDown(program: Command, io: Io): void {
  program
    .command('down')
    .description('stop the cluster bosun up started')
    .option('--data-dir <dir>', 'the data dir of the cluster (default: $BOSUN_DATA_DIR or ~/.bosun)')
    .option('--timeout <seconds>', 'how long to wait for it to stop', '30')
    .action(async (flags: DownFlags) => {
      const dataDir = dataDirOf(flags.dataDir);
      const record = readPidFile(dataDir);
      if (record === undefined) {
        io.out(`bosun is not running for ${dataDir}\n`);
        return;
      }
      process.kill(record.pid, 'SIGTERM');
      const deadline = Date.now() + Number(flags.timeout) * 1000;
      while (alive(record.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (alive(record.pid)) throw new Error(`bosun (pid ${record.pid}) did not stop within ${flags.timeout} s`);
      io.out(`bosun stopped (pid ${record.pid})\n`);
    });
}
