import t from 'tap';
import { Packr } from 'msgpackr';
import type { Message } from '../raft/types.js';
import { decodeFrame, encodeFrame, FrameError } from './frames.js';
import { append, heartbeat } from './transport.test.util.js';

const raw = new Packr({ useRecords: false });

t.test('a batch survives the round trip, entries and contexts as bytes', async (t) => {
  const messages: Message[] = [
    append('a', 'b', 7, 3, 40),
    heartbeat('a', 'b', 9),
    { type: 'readIndex', from: 'b', to: 'a', term: 0, context: new Uint8Array([1, 2, 3]) },
    { type: 'voteResp', from: 'a', to: 'b', term: 4, reject: true },
  ];
  const frame = decodeFrame(encodeFrame({ kind: 'batch', messages }));
  if (frame.kind !== 'batch') throw new Error('expected a batch');
  t.equal(frame.messages.length, 4);
  t.same(
    frame.messages.map((m) => [m.type, m.from, m.to, m.term, m.index]),
    messages.map((m) => [m.type, m.from, m.to, m.term, m.index]),
  );
  const entries = frame.messages[0]?.entries ?? [];
  t.same(
    entries.map((e) => [e.index, e.type, Buffer.from(e.data).toString('hex')]),
    messages[0]?.entries?.map((e) => [e.index, e.type, Buffer.from(e.data).toString('hex')]),
  );
  t.ok(frame.messages[2]?.context instanceof Uint8Array);
  t.equal(frame.messages[3]?.reject, true);
});

t.test('malformed frames are refused with a FrameError', async (t) => {
  const bad: [string, Uint8Array][] = [
    ['garbage', new Uint8Array([0xc1, 0xff, 0x00])],
    ['not a map', raw.pack(42)],
    ['unknown kind', raw.pack({ kind: 'gossip' })],
    ['messages not an array', raw.pack({ kind: 'batch', messages: 'x' })],
    ['unknown message type', raw.pack({ kind: 'batch', messages: [{ type: 'hello', from: 'a', to: 'b', term: 1 }] })],
    ['no from', raw.pack({ kind: 'batch', messages: [{ type: 'heartbeat', to: 'b', term: 1 }] })],
    ['negative term', raw.pack({ kind: 'batch', messages: [{ type: 'heartbeat', from: 'a', to: 'b', term: -1 }] })],
    [
      'entry without data',
      raw.pack({
        kind: 'batch',
        messages: [{ type: 'append', from: 'a', to: 'b', term: 1, entries: [{ index: 1, term: 1, type: 'normal' }] }],
      }),
    ],
    [
      'snapshot without data',
      raw.pack({
        kind: 'batch',
        messages: [{ type: 'snapshot', from: 'a', to: 'b', term: 1, snapshot: { meta: {} } }],
      }),
    ],
    [
      'chunk overrunning its transfer',
      raw.pack({ kind: 'snapshotChunk', transferId: 1, offset: 4, totalBytes: 5, data: new Uint8Array(2) }),
    ],
    ['chunk without counts', raw.pack({ kind: 'snapshotChunk', transferId: 'x', offset: 0, totalBytes: 0 })],
    [
      'first chunk without a snapshot message',
      raw.pack({
        kind: 'snapshotChunk',
        transferId: 1,
        offset: 0,
        totalBytes: 1,
        data: new Uint8Array(1),
        message: heartbeat('a', 'b', 1),
      }),
    ],
  ];
  for (const [name, bytes] of bad) t.throws(() => decodeFrame(bytes), FrameError, name);
});
