// close() leaves nothing behind: a child process that used transports exits on its own, and
// in this process the sockets, servers and timers return to what they were before.
import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectAll, heartbeat, startMember } from './transport.test.util.js';

// Tests run compiled from dist/ (plain node) or from source through tsx: spawn the fixture alike.
const fromSource = import.meta.url.endsWith('.ts');
const loader = fromSource ? ['--import', 'tsx'] : [];
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const child = fileURLToPath(new URL(`./close.test.fixture.${fromSource ? 'ts' : 'js'}`, import.meta.url));

t.test('a process whose transports are closed exits by itself', async (t) => {
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean }>(
    (resolve, reject) => {
      const proc = spawn(process.execPath, [...loader, child], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let killed = false;
      proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => {
        killed = true;
        proc.kill('SIGKILL'); // this child's PID only
      }, 30_000);
      proc.on('error', reject);
      proc.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, killed });
      });
    },
  );
  t.notOk(result.killed, `the child exited by itself\n${result.stdout}${result.stderr}`);
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^closed /);
  t.notMatch(result.stdout, /still alive/);
  const received = new Map(
    JSON.parse(result.stdout.slice('closed '.length).split('\n')[0] ?? '[]') as [string, number][],
  );
  t.equal(received.get('b'), 41, 'b got 40 heartbeats and the snapshot before the close');
});

const kinds = ['TCPServerWrap', 'TCPSocketWrap', 'TLSWrap', 'Timeout', 'Immediate'];
const count = () => {
  const all = process.getActiveResourcesInfo();
  return Object.fromEntries(kinds.map((k) => [k, all.filter((r) => r === k).length]));
};

t.test('in this process, close() returns sockets, servers and timers', async (t) => {
  const before = count();
  const [a, b] = [await startMember(t, 'a', { keepAliveMs: 20 }), await startMember(t, 'b', { keepAliveMs: 20 })];
  connectAll([a, b]);
  a.transport.addPeer('gone', 'http://127.0.0.1:1');
  a.transport.send([heartbeat('a', 'b', 1), heartbeat('a', 'gone', 1)]);
  b.transport.send([heartbeat('b', 'a', 1)]);
  await b.rec.until('a → b', () => b.rec.messages.length === 1);
  await a.rec.until(
    'b → a and gone unreachable',
    () => a.rec.messages.length === 1 && a.rec.unreachable.includes('gone'),
  );
  t.not(JSON.stringify(count()), JSON.stringify(before), 'the transports hold resources while open');
  await Promise.all([a.transport.close(), b.transport.close()]);
  // libuv releases a closed handle a loop iteration or so after its 'close' event.
  for (let i = 0; i < 50 && JSON.stringify(count()) !== JSON.stringify(before); i++) {
    await new Promise((r) => setTimeout(r, 2));
  }
  t.same(count(), before);
});
