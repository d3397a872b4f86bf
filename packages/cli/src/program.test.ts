import t from 'tap';
import { runCli, type Io } from './program.js';
import { CLI_VERSION } from './version.js';
import { componentVersions } from './commands/version.js';
import { readFileSync } from 'node:fs';

function capture(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
  };
  return io;
}

t.test('--help lists the commands and exits 0', async (t) => {
  const io = capture();
  const code = await runCli(['--help'], io);
  t.equal(code, 0);
  t.match(io.stdout, /Usage: bosun/);
  t.match(io.stdout, /version/);
});

t.test('version prints every component, as text and as json', async (t) => {
  const text = capture();
  t.equal(await runCli(['version'], text), 0);
  t.match(text.stdout, `bosun ${CLI_VERSION}`);
  for (const name of Object.keys(componentVersions())) t.match(text.stdout, name);

  const json = capture();
  t.equal(await runCli(['version', '-o', 'json'], json), 0);
  const parsed = JSON.parse(json.stdout) as { bosun: string; components: Record<string, string> };
  t.equal(parsed.bosun, CLI_VERSION);
  t.same(parsed.components, componentVersions());
});

t.test('bad input is one readable line and a non-zero exit', async (t) => {
  const unknown = capture();
  t.not(await runCli(['frobnicate'], unknown), 0);
  t.match(unknown.stderr, /unknown command 'frobnicate'/);

  const badFormat = capture();
  t.equal(await runCli(['version', '-o', 'xml'], badFormat), 1);
  t.equal(badFormat.stderr, 'error: unknown output format "xml" (expected text or json)\n');
});

t.test('the version constants match every package.json', async (t) => {
  for (const [name, version] of Object.entries(componentVersions())) {
    const dir = name.replace('@bosun/', '');
    const pkg = JSON.parse(readFileSync(new URL(`../../${dir}/package.json`, import.meta.url), 'utf8')) as {
      version: string;
    };
    t.equal(version, pkg.version, `${name} version`);
  }
});
