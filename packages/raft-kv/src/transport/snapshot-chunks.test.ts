import t from 'tap';
import type { Message } from '../raft/types.js';
import { decodeFrame, encodeFrame, FrameError, type SnapshotChunkFrame } from './frames.js';
import { SnapshotAssembler, snapshotChunks } from './snapshot-chunks.js';

function snapshotMessage(bytes: number): Message {
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) data[i] = (i * 31 + 7) & 0xff;
  const meta = { index: 42, term: 3, confState: { voters: ['a', 'b', 'c'], learners: [] } };
  return { type: 'snapshot', from: 'a', to: 'b', term: 3, snapshot: { meta, data } };
}

/** Sends chunks through the codec, as the wire does. */
function wire(chunk: SnapshotChunkFrame): SnapshotChunkFrame {
  return decodeFrame(encodeFrame(chunk)) as SnapshotChunkFrame;
}

t.test('a snapshot is cut into chunks and reassembled byte for byte', async (t) => {
  const m = snapshotMessage(2.5 * 1024 * 1024);
  const chunks = [...snapshotChunks(m, 1, 1024 * 1024)];
  t.same(
    chunks.map((c) => [c.offset, c.data.byteLength, c.message !== undefined]),
    [
      [0, 1048576, true],
      [1048576, 1048576, false],
      [2097152, 524288, false],
    ],
  );
  t.equal(chunks[0]?.message?.snapshot?.data.byteLength, 0, 'the header carries no data');
  const assembler = new SnapshotAssembler(10 * 1024 * 1024);
  const out = chunks.map((c) => assembler.accept(wire(c)));
  t.same(out.slice(0, 2), [undefined, undefined]);
  const whole = out[2];
  t.same(whole?.snapshot?.meta, m.snapshot?.meta);
  t.ok(Buffer.from(whole?.snapshot?.data ?? []).equals(Buffer.from(m.snapshot?.data ?? [])), 'same bytes');
  t.equal(assembler.pendingBytes, 0);
});

t.test('an empty snapshot is one empty chunk', async (t) => {
  const chunks = [...snapshotChunks(snapshotMessage(0), 5, 1024)];
  t.equal(chunks.length, 1);
  const m = new SnapshotAssembler(1).accept(wire(chunks[0] as SnapshotChunkFrame));
  t.equal(m?.snapshot?.data.byteLength, 0);
  t.equal(m?.snapshot?.meta.index, 42);
});

t.test('chunks out of order, of an unknown transfer or too large are refused', async (t) => {
  const chunks = [...snapshotChunks(snapshotMessage(3000), 9, 1000)];
  const [c0, c1, c2] = chunks as [SnapshotChunkFrame, SnapshotChunkFrame, SnapshotChunkFrame];
  t.throws(() => new SnapshotAssembler(10_000).accept(c1), FrameError, 'no transfer open');
  const a = new SnapshotAssembler(10_000);
  a.accept(c0);
  t.throws(() => a.accept(c2), FrameError, 'a gap');
  t.throws(() => a.accept({ ...c1, transferId: 10 }), FrameError, 'another transfer');
  t.throws(() => new SnapshotAssembler(2999).accept(c0), /exceeds the limit/);
  const b = new SnapshotAssembler(10_000);
  b.accept(c0);
  t.equal(b.pendingBytes, 1000);
  const restarted = [...snapshotChunks(snapshotMessage(3000), 10, 3000)];
  t.ok(b.accept(restarted[0] as SnapshotChunkFrame), 'a new transfer replaces an unfinished one');
  t.throws(() => [...snapshotChunks(snapshotMessage(10), 1, 0)], /chunk size/);
  t.throws(() => [...snapshotChunks({ type: 'heartbeat', from: 'a', to: 'b', term: 1 }, 1, 10)], /not a snapshot/);
});
