import t from 'tap';
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '../raft/types.js';
import { NodeError, RaftNode, type StateMachine } from './raft-node.js';

/** A tiny replicated map: commands are "key=value". */
class MapMachine implements StateMachine {
  data = new Map<string, string>();
  apply(payload: Uint8Array): unknown {
    const [k, v] = new TextDecoder().decode(payload).split('=');
    if (k === 'fail') throw new Error('refused');
    this.data.set(k as string, v as string);
    return this.data.size;
  }
  snapshot(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify([...this.data]));
  }
  restore(data: Uint8Array): void {
    this.data = new Map(JSON.parse(new TextDecoder().decode(data)) as [string, string][]);
  }
}

const cmd = (s: string) => new TextEncoder().encode(s);

function scratch(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-node-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('a single member leads at once, applies proposals and answers reads', async (t) => {
  const dir = scratch(t);
  const machine = new MapMachine();
  const node = await RaftNode.open({ id: 'n1', dataDir: dir, machine, initialVoters: ['n1'], tickMs: 20 });
  t.teardown(() => node.close());
  t.equal(await node.propose(cmd('a=1')), 1);
  t.equal(await node.propose(cmd('b=2')), 2);
  await node.readIndex();
  t.equal(machine.data.get('b'), '2');
  t.ok(node.isLeader());
  await t.rejects(node.propose(cmd('fail=x')), /refused/, "the state machine's refusal rejects the proposal");
  t.equal(await node.propose(cmd('c=3')), 3, 'and the member goes on');
  t.same(node.proposalStats, { proposed: 4, failed: 0 }, 'a refusal is an answer, not a failed proposal');
  const cut = t.rejects(node.propose(cmd('d=4')), NodeError, 'a proposal cut short by the stop fails');
  await node.close();
  await cut;
  t.same(node.proposalStats, { proposed: 5, failed: 1 }, 'and counts as failed');
});

t.test('many concurrent proposals are group-committed and all applied', async (t) => {
  const dir = scratch(t);
  const machine = new MapMachine();
  const node = await RaftNode.open({ id: 'n1', dataDir: dir, machine, initialVoters: ['n1'], tickMs: 20 });
  t.teardown(() => node.close());
  const results = await Promise.all(Array.from({ length: 500 }, (_, i) => node.propose(cmd(`k${i}=${i}`))));
  t.equal(results.length, 500);
  t.equal(machine.data.size, 500);
});

t.test('state survives a restart, from the WAL and from snapshots', async (t) => {
  const dir = scratch(t);
  let machine = new MapMachine();
  let node = await RaftNode.open({
    id: 'n1',
    dataDir: dir,
    machine,
    initialVoters: ['n1'],
    tickMs: 20,
    snapshotCount: 50,
    snapshotCatchUpEntries: 10,
  });
  for (let i = 0; i < 180; i++) await node.propose(cmd(`k${i}=${i}`));
  t.ok(node.status().snapshotIndex > 100, 'snapshots were taken');
  await node.close();
  await t.rejects(node.propose(cmd('x=1')), NodeError, 'a closed member refuses');

  machine = new MapMachine();
  node = await RaftNode.open({ id: 'n1', dataDir: dir, machine, initialVoters: ['n1'], tickMs: 20 });
  t.teardown(() => node.close());
  await node.readIndex();
  t.equal(machine.data.size, 180, 'every acknowledged write is back');
  t.equal(machine.data.get('k179'), '179');
  await node.propose(cmd('after=restart'));
  t.equal(machine.data.get('after'), 'restart');
});

/** Three members wired by an in-memory transport that records every message sent. */
async function threeMembers(t: { teardown(fn: () => unknown): void }) {
  const ids = ['n1', 'n2', 'n3'];
  const nodes = new Map<string, RaftNode>();
  const sent: Message[] = [];
  for (const id of ids) {
    const node = await RaftNode.open({
      id,
      dataDir: scratch(t),
      machine: new MapMachine(),
      initialVoters: ids,
      tickMs: 10,
      transport: {
        send(messages) {
          sent.push(...messages);
          setImmediate(() => {
            for (const m of messages) nodes.get(m.to)?.step(m);
          });
        },
      },
    });
    nodes.set(id, node);
    t.teardown(() => node.close());
  }
  const deadline = Date.now() + 10_000;
  let leader: RaftNode | undefined;
  while (leader === undefined && Date.now() < deadline) {
    leader = [...nodes.values()].find((n) => n.isLeader());
    if (leader === undefined) await new Promise((r) => setTimeout(r, 10));
  }
  if (leader === undefined) throw new Error('no leader within 10 s');
  await leader.propose(cmd('warm=up'));
  return { leader, sent };
}

t.test('proposals made in one turn travel as one append per follower', async (t) => {
  const { leader, sent } = await threeMembers(t);
  sent.length = 0;
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => leader.propose(cmd(`b${i}=${i}`))));
  t.equal(results.length, 200);
  const appends = sent.filter((m) => m.type === 'append' && m.from === leader.id && (m.entries?.length ?? 0) > 0);
  // (A follower still probing may be sent entries again after a heartbeat: count the first send.)
  for (const follower of ['n1', 'n2', 'n3'].filter((id) => id !== leader.id)) {
    const first = appends.find((m) => m.to === follower);
    t.ok((first?.entries?.length ?? 0) >= 200, `the first append to ${follower} carried all 200 entries`);
  }
  t.equal(leader.proposalStats.failed, 0);
  t.equal(leader.pendingProposals, 0, 'nothing left waiting');
});

t.test('reads asked for in one turn share one ReadIndex round', async (t) => {
  const { leader, sent } = await threeMembers(t);
  sent.length = 0;
  await Promise.all(Array.from({ length: 100 }, () => leader.readIndex()));
  const withContext = sent.filter((m) => m.type === 'heartbeat' && m.from === leader.id && m.context !== undefined);
  // A tick's heartbeats may carry the pending request's context again; what counts is one request.
  const contexts = new Set(withContext.map((m) => Buffer.from(m.context ?? []).toString('hex')));
  t.equal(contexts.size, 1, 'one ReadIndex request (one context) for the 100 reads');
  t.ok(withContext.length >= 2, 'sent to both followers');
});
