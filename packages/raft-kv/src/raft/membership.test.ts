/**
 * Membership changes (Raft §6), one member at a time (dissertation §4.1): learners, promotion,
 * removal (of a follower and of the leader itself), and the rules that keep changes safe.
 */
import t from 'tap';
import { decodeConfChange, encodeConfChange } from './codec.js';
import { RaftError } from './errors.js';
import { Network, describe, text } from './testing/network.test.util.js';
import type { ConfChange } from './types.js';

const addLearner = (nodeId: string): ConfChange => ({ type: 'addLearner', nodeId });
const addVoter = (nodeId: string): ConfChange => ({ type: 'addVoter', nodeId });
const removeNode = (nodeId: string): ConfChange => ({ type: 'removeNode', nodeId });
const dropped = (why: string) => new RaftError('proposalDropped', why);

/** A three-voter cluster led by 1, plus a learner 4 that joined empty and caught up. */
function withLearner(): Network {
  const net = new Network();
  net.elect('1');
  net.addNode('4');
  net.proposeConfChange('1', addLearner('4'));
  net.stabilize();
  return net;
}

t.test('§6 a learner joins empty, receives a snapshot and then the log', async (t) => {
  const net = withLearner();
  for (const id of ['1', '2', '3', '4']) {
    t.same(net.node(id).status().confState, { voters: ['1', '2', '3'], learners: ['4'] }, `${id} knows the learner`);
  }
  t.ok(
    net.delivered.some((m) => m.type === 'snapshot' && m.to === '4'),
    'its first message is the snapshot',
  );
  t.ok(
    net.readies.get('4')?.some((rd) => rd.snapshot?.meta.index === 1),
    'handed to it in a Ready to persist',
  );
  t.same(net.terms('4'), net.terms('1'), 'then the log');
  t.equal(net.raft('4').log.committed, 3);
});

t.test('§6 a learner never campaigns and is never asked for its vote', async (t) => {
  const net = withLearner();
  net.crash('1');
  net.tick(50, ['4']);
  t.match(net.raft('4'), { role: 'follower', term: 2 }, 'it waits for ever');
  net.campaign('2');
  t.same(net.queue.map(describe), ['2→3 vote t3'], 'the candidate asks only the other voters (1 is down)');
  net.inject({ type: 'voteResp', from: '4', to: '2', term: 3 });
  t.equal(net.raft('2').role, 'candidate', 'and a learner vote would not count');
});

t.test('§6 a learner acknowledgement is not counted toward commit', async (t) => {
  const net = withLearner();
  net.cut('1', '2', '3');
  net.propose('1', 'x');
  net.stabilize();
  t.equal(net.raft('4').log.lastIndex(), 4, 'the learner has x');
  t.equal(net.raft('1').log.committed, 3, 'x is not committed: 1 of 3 voters');
});

t.test('§6 a change takes effect when applied, not when appended', async (t) => {
  const net = new Network();
  net.elect('1');
  net.addNode('4');
  net.proposeConfChange('1', addLearner('4'));
  t.same(net.node('1').status().confState.learners, [], 'appended but not committed: no change yet');
  net.stabilize();
  t.same(net.node('1').status().confState.learners, ['4']);
});

t.test('§6 promoting a caught-up learner makes it a voter counted in the quorum', async (t) => {
  const net = withLearner();
  net.proposeConfChange('1', addVoter('4'));
  net.stabilize();
  for (const id of ['1', '2', '3', '4']) {
    t.same(net.node(id).status().confState, { voters: ['1', '2', '3', '4'], learners: [] });
  }
  net.cut('2');
  net.cut('3');
  net.propose('1', 'x');
  net.stabilize();
  t.equal(net.raft('1').log.committed, 4, '1 and 4 are 2 of 4 voters: no majority');
  net.heal();
  net.cut('3');
  net.run(1);
  t.equal(net.raft('1').log.committed, 5, '1, 2 and 4 are');
  net.crash('1');
  net.crash('2');
  t.equal(net.elect('4'), 'candidate', 'the promoted member can campaign');
});

t.test('§6 removing a follower: the others go on as a smaller cluster, and it stays quiet', async (t) => {
  const net = new Network();
  net.elect('1');
  net.proposeConfChange('1', removeNode('3'));
  net.stabilize();
  t.same(net.node('1').status().confState, { voters: ['1', '2'], learners: [] });
  t.same(net.node('3').status().confState, { voters: ['1', '2'], learners: [] }, '3 applied its own removal');
  t.same([...net.node('1').status().progress.keys()].sort(), ['1', '2'], 'the leader tracks 3 no more');
  net.tick(50, ['3']);
  t.equal(net.raft('3').role, 'follower', 'a removed member never campaigns');
  net.propose('1', 'x');
  net.stabilize();
  t.equal(net.raft('1').log.committed, 4, 'committed by 1 and 2');
  t.equal(net.raft('3').log.lastIndex(), 3, '3 no longer receives anything');
});

t.test('§6 removing the leader: it commits its removal, hands off with TimeoutNow, and steps down', async (t) => {
  const net = new Network();
  net.elect('1');
  net.proposeConfChange('1', removeNode('1'));
  net.stabilize();
  t.match(net.raft('1'), { role: 'follower' }, 'it stepped down once it applied its removal');
  t.ok(
    net.delivered.some((m) => m.type === 'timeoutNow' && m.from === '1'),
    'it told the most caught-up voter to campaign at once',
  );
  const [leader] = net.leaders();
  t.ok(leader === '2' || leader === '3', `${leader} leads term ${net.raft(leader ?? '').term}`);
  t.same(net.node(leader ?? '').status().confState.voters, ['2', '3']);
  net.tick(50, ['1']);
  t.equal(net.raft('1').role, 'follower', 'the old leader never campaigns again');
});

t.test('§6 removing the leader when no voter is caught up: it steps down, the others elect', async (t) => {
  const net = new Network();
  net.elect('1');
  net.drop((m) => m.type === 'append' && (m.entries ?? []).some((e) => text(e.data) === 'x'));
  net.proposeConfChange('1', removeNode('1'));
  net.propose('1', 'x'); // x never reaches the others
  net.stabilize();
  t.equal(net.raft('1').role, 'follower');
  t.notOk(
    net.delivered.some((m) => m.type === 'timeoutNow'),
    'no TimeoutNow: an election by a voter that lacks x is only safe by the vote',
  );
  net.heal();
  net.run(30);
  t.equal(net.leaders().length, 1);
  t.not(net.leaders()[0], '1');
});

t.test('§4.1 one change at a time: a second change waits until the first is applied', async (t) => {
  const net = new Network();
  net.elect('1');
  net.addNode('4');
  net.addNode('5');
  net.proposeConfChange('1', addLearner('4'));
  t.throws(() => net.proposeConfChange('1', addLearner('5')), dropped('a membership change at 3 is not applied yet'));
  net.stabilize();
  net.proposeConfChange('1', addLearner('5'));
  net.stabilize();
  t.same(net.node('1').status().confState.learners, ['4', '5']);
});

t.test('§4.1 a new leader refuses changes until it has committed an entry of its term', async (t) => {
  const net = new Network();
  net.campaign('1');
  net.deliver((m) => m.type === 'vote');
  net.deliver((m) => m.type === 'voteResp');
  t.equal(net.raft('1').role, 'leader');
  t.throws(
    () => net.proposeConfChange('1', removeNode('3')),
    dropped('the leader has not committed an entry of its term yet'),
  );
  net.stabilize();
  net.proposeConfChange('1', removeNode('3'));
  net.stabilize();
  t.same(net.node('1').status().confState.voters, ['1', '2']);
});

t.test('§4.1 the last voter cannot be removed, and a voter cannot be demoted directly', async (t) => {
  const net = new Network({ voters: ['1'] });
  net.elect('1');
  t.throws(() => net.proposeConfChange('1', removeNode('1')), dropped('cannot remove the last voter 1'));
  t.throws(() => net.proposeConfChange('1', addLearner('1')), dropped('cannot make voter 1 a learner'));
  t.equal(net.raft('1').log.lastIndex(), 2, 'nothing appended');
});

t.test('§4.1 a member with a committed but unapplied change does not campaign', async (t) => {
  const net = new Network();
  net.elect('1');
  net.addNode('4');
  net.pause('2'); // 2's disk and state machine lag: it steps messages but applies nothing
  net.proposeConfChange('1', addLearner('4'));
  net.stabilize();
  net.run(1);
  const r = net.raft('2');
  t.ok(r.log.committed > r.log.applied, `2 knows the change at ${r.log.committed} is committed`);
  net.node('2').campaign();
  t.equal(r.role, 'follower', 'it does not know its configuration yet: no campaign');
  net.resume('2');
  net.node('2').campaign();
  t.equal(r.role, 'candidate', 'once applied, it may');
});

t.test('§6 a follower forwards a change to the leader', async (t) => {
  const net = new Network();
  net.elect('1');
  net.proposeConfChange('2', removeNode('3'));
  net.stabilize();
  t.same(net.node('1').status().confState.voters, ['1', '2']);
});

t.test('§6 removing the transfer target cancels the transfer', async (t) => {
  const net = new Network();
  net.elect('1');
  net.cut('3');
  net.proposeConfChange('1', removeNode('3'));
  net.transferLeader('1', '3');
  t.equal(net.node('1').status().leadTransferee, '3');
  net.stabilize();
  t.equal(net.node('1').status().leadTransferee, '', 'cancelled when the removal was applied');
  t.same(net.leaders(), ['1']);
  net.propose('1', 'x');
  t.equal(net.raft('1').log.lastIndex(), 4, 'proposals are welcome again');
});

t.test('§4.1 a forwarded proposal with two membership changes is dropped', async (t) => {
  const net = new Network();
  net.elect('1');
  const cc = (nodeId: string) => ({
    term: 0,
    index: 0,
    type: 'confChange' as const,
    data: encodeConfChange(removeNode(nodeId)),
  });
  net.inject({ type: 'propose', from: '2', to: '1', term: 0, entries: [cc('2'), cc('3')] });
  t.equal(net.raft('1').log.lastIndex(), 2, 'nothing appended');
  t.equal(decodeConfChange(cc('3').data).nodeId, '3', 'what the entries held');
});

t.test('§6 an invalid change found in the log is ignored the same way everywhere', async (t) => {
  const net = new Network({ voters: ['1'] });
  net.elect('1');
  t.same(net.node('1').applyConfChange(removeNode('1')), { voters: ['1'], learners: [] });
});
