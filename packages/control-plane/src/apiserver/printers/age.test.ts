import t from 'tap';
import { ageCell, formatAge } from './age.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const Y = 365 * D;

t.test('formatAge follows HumanDuration at every boundary', async (t) => {
  const cases: [number, string][] = [
    [-2 * S, '<invalid>'],
    [-1999, '0s'],
    [-1 * S, '0s'],
    [-500, '0s'],
    [0, '0s'],
    [999, '0s'],
    [1 * S, '1s'],
    [59 * S, '59s'],
    [90 * S, '90s'],
    [119 * S + 999, '119s'],
    [2 * M, '2m'],
    [2 * M + 5 * S, '2m5s'],
    [5 * M, '5m'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M, '10m'],
    [10 * M + 30 * S, '10m'],
    [65 * M, '65m'],
    [179 * M + 59 * S, '179m'],
    [3 * H, '3h'],
    [3 * H + 5 * M, '3h5m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H, '8h'],
    [8 * H + 30 * M, '8h'],
    [47 * H + 59 * M, '47h'],
    [2 * D, '2d'],
    [2 * D + 3 * H, '2d3h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D, '8d'],
    [8 * D + 5 * H, '8d'],
    [364 * D, '364d'],
    [2 * Y - 1, '729d'],
    [2 * Y, '2y'],
    [2 * Y + 10 * D, '2y10d'],
    [8 * Y - 1, '7y364d'],
    [8 * Y, '8y'],
    [12 * Y + 100 * D, '12y'],
  ];
  for (const [ms, expected] of cases) t.equal(formatAge(ms), expected, `${ms}ms`);
});

t.test('ageCell measures from an RFC 3339 timestamp and shows <unknown> without one', async (t) => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  t.equal(ageCell('2024-05-01T11:55:00Z', now), '5m');
  t.equal(ageCell('2024-04-29T09:00:00Z', now), '2d3h');
  t.equal(ageCell('2024-05-01T11:59:59.123456Z', now), '0s');
  t.equal(ageCell(undefined, now), '<unknown>');
  t.equal(ageCell(null, now), '<unknown>');
  t.equal(ageCell('', now), '<unknown>');
  t.equal(ageCell('not a time', now), '<unknown>');
  t.equal(ageCell('2024-05-01T12:00:30Z', now), '<invalid>');
});
