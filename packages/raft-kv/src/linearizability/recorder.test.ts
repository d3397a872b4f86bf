import t from 'tap';
import { checkLinearizable } from './checker.js';
import { HistoryRecorder } from './recorder.js';

t.test('records invocations and completions; an operation never completed has an unknown outcome', async (t) => {
  const recorder = new HistoryRecorder();
  const put = recorder.invoke('a', { kind: 'put', key: 'x', value: '1' }, 0);
  const get = recorder.invoke('b', { kind: 'get', key: 'x' }, 1);
  const lost = recorder.invoke('c', { kind: 'cas', key: 'x', expected: '1', value: '2' }, 2);
  recorder.complete(put, { kind: 'put' }, 3);
  recorder.complete(get, { kind: 'get', value: '1' }, 4);
  t.same(recorder.history(), [
    {
      id: put,
      client: 'a',
      input: { kind: 'put', key: 'x', value: '1' },
      invoke: 0,
      output: { kind: 'put' },
      complete: 3,
    },
    {
      id: get,
      client: 'b',
      input: { kind: 'get', key: 'x' },
      invoke: 1,
      output: { kind: 'get', value: '1' },
      complete: 4,
    },
    { id: lost, client: 'c', input: { kind: 'cas', key: 'x', expected: '1', value: '2' }, invoke: 2 },
  ]);
  t.same(checkLinearizable(recorder.history()), { result: 'ok' });
});

t.test('a failed operation (definitely not applied) is left out', async (t) => {
  const recorder = new HistoryRecorder();
  const refused = recorder.invoke('a', { kind: 'put', key: 'x', value: '1' }, 0);
  recorder.fail(refused);
  const get = recorder.invoke('a', { kind: 'get', key: 'x' }, 1);
  recorder.complete(get, { kind: 'get', value: undefined }, 2);
  t.same(
    recorder.history().map((op) => op.id),
    [get],
  );
  t.not(get, refused, 'ids are never reused');
});

t.test('the history is a copy: recording more does not change it', async (t) => {
  const recorder = new HistoryRecorder();
  const id = recorder.invoke('a', { kind: 'get', key: 'x' }, 0);
  const before = recorder.history();
  recorder.complete(id, { kind: 'get', value: undefined }, 1);
  t.equal(before[0]?.complete, undefined);
  t.equal(recorder.history()[0]?.complete, 1);
});

t.test('misuse throws', async (t) => {
  const recorder = new HistoryRecorder();
  const id = recorder.invoke('a', { kind: 'put', key: 'x', value: '1' }, 5);
  t.throws(() => recorder.complete(id, { kind: 'get', value: '1' }, 6), TypeError, 'wrong output kind');
  t.throws(() => recorder.complete(id, { kind: 'put' }, 4), RangeError, 'completes before invoked');
  t.throws(() => recorder.complete(99, { kind: 'put' }, 6), /never invoked/);
  recorder.complete(id, { kind: 'put' }, 6);
  t.throws(() => recorder.complete(id, { kind: 'put' }, 7), /already completed/);
  t.throws(() => recorder.fail(id), /already completed/);
});
