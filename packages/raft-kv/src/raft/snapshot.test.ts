/**
 * Log compaction and InstallSnapshot (Raft §7): a follower that lags behind the leader's first
 * index receives a snapshot, and the leader's progress goes probe → snapshot → replicate.
 */
import t from 'tap';
import { RaftError } from './errors.js';
import { Network, describe, text } from './testing/network.test.util.js';
import type { Message } from './types.js';

const isSnapshot = (m: Message) => m.type === 'snapshot';

/** 3 misses ten entries; the leader compacts its log past them; the partition heals. */
function lagging(): { net: Network; snapshotIndex: number } {
  const net = new Network();
  net.elect('1');
  net.cut('3');
  for (let i = 0; i < 10; i++) net.propose('1', `x${i}`);
  net.stabilize();
  const snapshotIndex = net.compact('1');
  net.heal();
  return { net, snapshotIndex };
}

/** A heartbeat, and deliveries until the leader, looking for entry 3 and finding it compacted, sends a snapshot. */
function untilSnapshot(net: Network): void {
  net.tick(1, ['1']);
  while (!net.queue.some(isSnapshot)) {
    if (net.queue.length === 0) throw new Error('no snapshot was sent');
    net.deliver();
  }
}

t.test('§7 a follower whose next entry was compacted receives a snapshot and catches up', async (t) => {
  const { net, snapshotIndex } = lagging();
  t.equal(snapshotIndex, 12);
  t.equal(net.raft('1').log.firstIndex(), 13, 'entries up to 12 are gone from the leader');
  untilSnapshot(net);
  const [snapshot] = net.queue.filter(isSnapshot);
  t.match(snapshot, { to: '3', snapshot: { meta: { index: 12, term: 2 } } });
  t.equal(net.node('1').status().progress.get('3')?.state, 'snapshot');
  net.propose('1', 'y');
  t.same(
    net.queue.filter((m) => m.to === '3').map(describe),
    ['1→3 snapshot t2'],
    'nothing else goes to 3 while the snapshot is on its way',
  );
  net.stabilize();
  const rd = net.readies.get('3')?.find((r) => r.snapshot);
  t.match(rd, { snapshot: { meta: { index: 12 } }, mustSync: true, committedEntries: [] }, '3 got it in a Ready');
  t.equal(net.storage('3').snapshot().meta.index, 12, 'and persisted it');
  t.equal(net.node('1').status().progress.get('3')?.state, 'replicate', 'the leader pipelines again');
  t.same(net.terms('3'), [2, 2], 'from the snapshot on: 12 and y');
  t.equal(net.raft('3').log.committed, 13);
  t.same(
    (net.applied.get('3') ?? []).map((e) => text(e.data)),
    ['y'],
    'the state machine restored the snapshot and applied y',
  );
});

t.test('§7 a failed snapshot send takes the follower back to probe, and the leader tries again', async (t) => {
  const { net } = lagging();
  untilSnapshot(net);
  t.equal(net.take(isSnapshot).length, 1, 'the snapshot is lost');
  net.node('1').reportSnapshot('3', false);
  t.match(net.node('1').status().progress.get('3'), { state: 'probe', next: 3 });
  t.same(net.queue, [], 'it waits for the next heartbeat answer before probing');
  net.run(1);
  t.equal(net.storage('3').snapshot().meta.index, 12, 'the second snapshot got through');
  t.equal(net.raft('3').log.committed, 12);
});

t.test('§7 a snapshot reported as sent: the leader probes from the snapshot index on', async (t) => {
  const { net } = lagging();
  untilSnapshot(net);
  const [snapshot] = net.take(isSnapshot);
  net.node('1').reportSnapshot('3', true);
  t.match(net.node('1').status().progress.get('3'), { state: 'probe', next: 13 });
  net.inject(snapshot as Message);
  net.stabilize();
  t.equal(net.node('1').status().progress.get('3')?.state, 'replicate');
  net.node('1').reportSnapshot('3', true);
  t.equal(net.node('1').status().progress.get('3')?.state, 'replicate', 'a late report changes nothing');
});

t.test('§7 a snapshot older than what the follower has committed is ignored', async (t) => {
  const net = new Network();
  net.elect('1');
  net.propose('1', 'x');
  net.stabilize();
  const old = {
    meta: { index: 2, term: 2, confState: { voters: ['1', '2', '3'], learners: [] } },
    data: new Uint8Array(),
  };
  net.inject({ type: 'snapshot', from: '1', to: '2', term: 2, snapshot: old });
  t.same(net.queue.map(describe), ['2→1 appendResp t2 index 3'], 'it answers with its commit index');
  t.equal(net.storage('2').snapshot().meta.index, 1, 'nothing was installed');
});

t.test('§7 a snapshot of entries the follower already has only advances its commit index', async (t) => {
  const net = new Network();
  net.elect('1');
  net.drop((m) => m.type === 'append' && m.to === '2' && (m.entries?.length ?? 0) === 0);
  net.propose('1', 'x');
  net.stabilize();
  t.equal(net.raft('2').log.committed, 2, '2 has x but does not know it is committed');
  net.heal();
  const snap = net.storage('1').createSnapshot(3, { voters: ['1', '2', '3'], learners: [] }, new Uint8Array());
  net.inject({ type: 'snapshot', from: '1', to: '2', term: 2, snapshot: snap });
  t.equal(net.raft('2').log.committed, 3);
  t.equal(net.storage('2').snapshot().meta.index, 1, 'no snapshot installed: the log already holds it');
});

t.test('§7 the leader waits while its storage cannot produce a snapshot', async (t) => {
  const { net } = lagging();
  const storage = net.storage('1');
  const snapshot = storage.snapshot.bind(storage);
  storage.snapshot = () => {
    throw new RaftError('snapshotTemporarilyUnavailable', 'being written');
  };
  net.run(3);
  t.notOk(net.delivered.some(isSnapshot), 'no snapshot sent');
  t.equal(net.raft('3').log.committed, 2);
  storage.snapshot = snapshot;
  net.run(1);
  t.equal(net.raft('3').log.committed, 12, 'sent once available');
});

t.test('§7 any other storage failure while fetching a snapshot is not swallowed', async (t) => {
  const { net } = lagging();
  net.storage('1').snapshot = () => {
    throw new Error('disk on fire');
  };
  t.throws(() => net.run(3), /disk on fire/);
});

t.test('§7 a member restarts from its snapshot and the log after it', async (t) => {
  const { net } = lagging();
  net.run(1);
  net.propose('1', 'y');
  net.stabilize();
  net.crash('3');
  net.restart('3');
  t.match(net.raft('3').log, { committed: 13, applied: 12 });
  t.equal(net.raft('3').log.firstIndex(), 13);
  net.stabilize();
  net.run(1);
  t.same(
    (net.applied.get('3') ?? []).map((e) => text(e.data)),
    ['y'],
    'it applies what follows the snapshot again',
  );
  t.same(net.violations, []);
});
