import t from 'tap';
import { MvccError } from '../mvcc/errors.js';
import { NodeError } from '../node/raft-node.js';
import { ClientError, fromWireError } from '../client/errors.js';
import { Outbox, arrayHeader, framesOf } from './outbox.js';
import {
  ServerError,
  batchCost,
  decodeFrame,
  encodeFrame,
  isKvMethod,
  parseRequestFrame,
  parseServerFrame,
  toWireError,
} from './protocol.js';

t.test('errors cross the wire with their class, code and facts', async (t) => {
  const compacted = new MvccError('compacted', 'at 3', { compactRevision: 7 });
  const back = fromWireError(toWireError(compacted), 'ws://x');
  t.type(back, MvccError);
  t.match(back, { code: 'compacted', message: compacted.message, compactRevision: 7 });

  const future = fromWireError(toWireError(new MvccError('futureRevision', undefined, { revision: 4 })), '');
  t.match(future, { code: 'futureRevision', revision: 4 });

  const notLeader = fromWireError(toWireError(new NodeError('notLeader', 'go there', 'n2')), '');
  t.type(notLeader, NodeError);
  t.match(notLeader, { code: 'notLeader', leader: 'n2', message: 'go there' });

  const bad = fromWireError(toWireError(new ServerError('badRequest', 'args')), 'ws://x');
  t.type(bad, ClientError);
  t.match(bad, { code: 'badRequest', message: 'malformed request: args', endpoint: 'ws://x' });

  const internal = toWireError(new TypeError('boom'));
  t.match(internal, { code: 'internal', message: /boom/, details: { kind: 'server' } });
  t.notMatch(internal.message, /at /, 'no stack');
  t.match(fromWireError(internal, ''), { name: 'ClientError', code: 'internal' });
  t.match(fromWireError({ code: 'weird', message: 'm', details: { kind: 'node' } }, ''), { code: 'internal' });
});

t.test('frames are checked for shape', async (t) => {
  t.ok(isKvMethod('range'));
  t.notOk(isKvMethod('constructor'));
  t.same(parseRequestFrame({ id: 1, method: 'range', args: ['a'] }), { id: 1, method: 'range', args: ['a'] });
  t.match(parseRequestFrame({ id: 1, method: 'nope', args: [] }), { id: 1, error: { code: 'badRequest' } });
  t.equal(parseRequestFrame({ method: 'range' }), undefined, 'no id: nothing to answer');
  t.equal(parseRequestFrame([1, 2]), undefined);
  t.ok(parseServerFrame({ id: 1, result: null }));
  t.ok(parseServerFrame({ watch: 1, batch: { type: 'progress', revision: 3 } }));
  t.equal(parseServerFrame({ id: 1, error: { code: 1 } }), undefined);
  t.equal(parseServerFrame({ id: 1 }), undefined);
  t.equal(parseServerFrame('x'), undefined);
  const frame = { id: 9, method: 'put', args: ['k', new Uint8Array([1, 2, 3])] } as const;
  t.same(decodeFrame(encodeFrame(frame)), { id: 9, method: 'put', args: ['k', Buffer.from([1, 2, 3])] });
  t.equal(batchCost({ type: 'progress', revision: 1 }), 1);
  t.equal(batchCost({ type: 'events', revision: 1, events: [] }), 1);
});

t.test('the outbox sends the frames of one turn as one message, within its bound', async (t) => {
  const messages: Buffer[] = [];
  const outbox = new Outbox((data, written) => {
    messages.push(data);
    written();
  }, 64);
  const frames = Array.from({ length: 20 }, (_, i) => encodeFrame({ id: i, result: 'x'.repeat(i % 3) }));
  for (const f of frames) outbox.write(f);
  t.ok(outbox.unflushed > 0);
  await new Promise((resolve) => setImmediate(resolve));
  t.ok(messages.length > 1, 'split by the size bound');
  t.ok(messages.every((m) => m.length <= 64 + 3));
  t.equal(outbox.unflushed, 0);
  const decoded = messages.flatMap((m) => framesOf(decodeFrame(m)));
  t.same(
    decoded.map((f) => (f as { id: number }).id),
    frames.map((_, i) => i),
  );
  for (const n of [0, 15, 16, 65535, 65536]) {
    const header = arrayHeader(n);
    const body = Buffer.concat([
      header,
      ...Array.from({ length: Math.min(n, 3) }, () => encodeFrame({ id: 1, result: 1 })),
    ]);
    if (n <= 3) t.equal((decodeFrame(body) as unknown[]).length, n, `header of ${n}`);
    else t.equal(header.length, n < 16 ? 1 : n < 65536 ? 3 : 5, `header size of ${n}`);
  }
  outbox.close();
  outbox.write(encodeFrame({ id: 1, result: 1 }));
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(outbox.unflushed, 0, 'nothing written after close');
});
