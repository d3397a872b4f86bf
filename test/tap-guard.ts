/**
 * Returns the 1-based line numbers of top-level `t.teardown(` calls in a test file's source.
 * Prettier indents everything inside a `t.test` callback, so top level means column 0.
 */
export function topLevelTeardowns(source: string): number[] {
  const lines: number[] = [];
  source.split('\n').forEach((line, i) => {
    if (/^t\.teardown\(/.test(line)) lines.push(i + 1);
  });
  return lines;
}
