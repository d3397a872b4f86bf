// Runs the test suite with tap and ends with one line: `N passed, N failed[, N skipped]`.
// Usage: node scripts/test.mjs [file-or-folder ...]   (default: every *.test.ts in the repo)
// A package's tests run compiled (tsc -b first, then packages/X/dist/**/foo.test.js), so they
// are type-checked and coverage maps through tsc's source maps to the .ts sources; the
// cross-package tests in test/ run from source through tsx.
// Counts are of top-level tests (each file's t.test blocks and top-level assertions), read
// from the TAP results that tap saves per file; a file that crashed counts as one failure.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const resultsDir = join(root, '.tap', 'test-results');

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const args = process.argv.slice(2);
const targets = args.length > 0 ? args : ['packages', 'test'];
const sources = targets.flatMap((t) => (statSync(join(root, t)).isDirectory() ? findTests(join(root, t)) : [t]));
/** packages/X/src/a/b.test.ts -> packages/X/dist/a/b.test.js; anything else runs as it is. */
function compiled(file) {
  const m = /^packages\/([^/]+)\/src\/(.+)\.test\.ts$/.exec(file);
  return m ? `packages/${m[1]}/dist/${m[2]}.test.js` : file;
}
const files = sources.map(compiled);
// Always build: package tests run from dist/, and test/ runs processes (the CLI) that import
// the packages' dist/ through their entry points.
{
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) {
    console.log('0 passed, 1 failed');
    console.error('tsc -b failed: fix the type errors above first');
    process.exit(1);
  }
}
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

// Remove only the results of the files about to run, so that concurrent runs of other files
// (two developers, or helpers) do not wipe each other's results.
for (const file of files) rmSync(join(resultsDir, `${file}.tap`), { force: true });
// A subset run checks behaviour only; the full run also enforces the coverage thresholds.
const coverageArgs = args.length > 0 ? ['--allow-incomplete-coverage', '--allow-empty-coverage'] : [];
const tap = spawnSync(join(root, 'node_modules', '.bin', 'tap'), [...coverageArgs, ...files], {
  cwd: root,
  stdio: 'inherit',
});

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const file of files) {
  const resultFile = join(resultsDir, `${file}.tap`);
  if (!existsSync(resultFile)) {
    failed += 1;
    failures.push(`${file}: no results (did not run)`);
    continue;
  }
  const text = readFileSync(resultFile, 'utf8');
  let points = 0;
  for (const line of text.split('\n')) {
    const m = /^(not ok|ok) \d+(.*)$/.exec(line);
    if (!m) continue;
    points += 1;
    if (/#\s*(SKIP|TODO)/i.test(m[2])) skipped += 1;
    else if (m[1] === 'ok') passed += 1;
    else {
      failed += 1;
      failures.push(`${file}:${m[2]}`);
    }
  }
  const bailed = /^Bail out!/m.test(text);
  if (points === 0 || bailed) {
    failed += 1;
    failures.push(`${file}: ${bailed ? 'bailed out' : 'no test points'}`);
  }
}
if (tap.status !== 0 && failed === 0) {
  failed += 1;
  failures.push(`tap exited with ${tap.status ?? tap.signal} (coverage below the thresholds in .taprc?)`);
}
for (const f of failures) console.log(`failed: ${f}`);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
