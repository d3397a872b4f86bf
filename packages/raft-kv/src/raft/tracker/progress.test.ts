import t from 'tap';
import { Progress } from './progress.js';
import { ProgressTracker } from './tracker.js';

const limits = { maxInflightMsgs: 2, maxInflightBytes: 0 };

t.test('Progress: probe sends one append, then waits for an answer', async (t) => {
  const pr = new Progress(5, limits, false);
  t.equal(pr.state, 'probe');
  t.equal(pr.isPaused(), false);
  pr.sentEntries(3, 7, 30);
  t.equal(pr.isPaused(), true);
  t.equal(pr.next, 5, 'next does not move in probe');
  t.equal(pr.maybeUpdate(7), true);
  t.equal(pr.isPaused(), false, 'an acknowledgement unpauses');
  t.match(pr, { match: 7, next: 8 });
});

t.test('Progress: replicate sends optimistically within the in-flight window', async (t) => {
  const pr = new Progress(5, limits, false);
  pr.maybeUpdate(4);
  pr.becomeReplicate();
  t.match(pr, { state: 'replicate', next: 5 });
  pr.sentEntries(2, 6, 20);
  t.equal(pr.next, 7);
  pr.sentEntries(0, 6, 0);
  t.equal(pr.inflights.count(), 1, 'an empty append takes no slot');
  pr.sentEntries(1, 7, 10);
  t.equal(pr.isPaused(), true, 'two in flight fill the window');
  pr.maybeUpdate(6);
  pr.inflights.freeLE(6);
  t.equal(pr.isPaused(), false);
});

t.test('Progress: a rejection moves next back (fast back-off by hint), stale rejections are ignored', async (t) => {
  const probe = new Progress(10, limits, false);
  probe.sentEntries(1, 10, 10);
  t.equal(probe.maybeDecrTo(8, 3), false, 'not the probe in flight (next - 1 = 9)');
  t.equal(probe.maybeDecrTo(9, 3), true);
  t.match(probe, { next: 4, probeSent: false }, 'next = hint + 1');
  t.equal(probe.maybeDecrTo(3, 7), true);
  t.equal(probe.next, 3, 'never past the rejected index');

  const repl = new Progress(10, limits, false);
  repl.maybeUpdate(5);
  repl.becomeReplicate();
  repl.sentEntries(3, 8, 30);
  t.equal(repl.maybeDecrTo(4, 0), false, 'at or below match: stale');
  t.equal(repl.maybeDecrTo(7, 0), true);
  t.equal(repl.next, 6, 'back to match + 1');
});

t.test('Progress: snapshot state pauses everything; probe afterwards starts past the snapshot', async (t) => {
  const pr = new Progress(3, limits, false);
  pr.becomeSnapshot(20);
  t.match(pr, { state: 'snapshot', pendingSnapshot: 20 });
  t.equal(pr.isPaused(), true);
  pr.becomeProbe();
  t.match(pr, { state: 'probe', next: 21, pendingSnapshot: 0 });

  const failed = new Progress(3, limits, false);
  failed.becomeSnapshot(20);
  failed.pendingSnapshot = 0; // reportSnapshot(failure)
  failed.becomeProbe();
  t.equal(failed.next, 1, 'after a failure: from match + 1');
});

t.test('Progress: the invariant 0 <= match < next is checked', async (t) => {
  const pr = new Progress(3, limits, false);
  pr.next = 0;
  t.throws(() => pr.maybeUpdate(-1), /progress match 0 next 0/);
});

t.test('ProgressTracker: setConfig keeps the progress of members that stay', async (t) => {
  const tr = new ProgressTracker(limits);
  tr.setConfig({ voters: ['1', '2', '3'], learners: [] }, 5);
  tr.progress.get('2')?.maybeUpdate(4);
  tr.setConfig({ voters: ['1', '2'], learners: ['4'] }, 9);
  t.same([...tr.progress.keys()].sort(), ['1', '2', '4']);
  t.match(tr.progress.get('2'), { match: 4, next: 5 });
  t.match(tr.progress.get('4'), { match: 0, next: 9, isLearner: true });
  tr.setConfig({ voters: ['1', '2', '4'], learners: [] }, 9);
  t.equal(tr.progress.get('4')?.isLearner, false, 'promoted');
  t.same(tr.confState(), { voters: ['1', '2', '4'], learners: [] });
  t.same(tr.peers('1').sort(), ['2', '4']);
  t.equal(tr.isMember('4'), true);
  t.equal(tr.isMember('3'), false);
  t.throws(() => tr.setConfig({ voters: ['1'], learners: ['1'] }, 9), /1 is both voter and learner/);
});

t.test('ProgressTracker: committed and quorumHeardWithin count voters only', async (t) => {
  const tr = new ProgressTracker(limits);
  tr.setConfig({ voters: ['1', '2', '3'], learners: ['4'] }, 1);
  tr.progress.get('1')?.maybeUpdate(9);
  tr.progress.get('4')?.maybeUpdate(9);
  t.equal(tr.committed(), 0, 'the learner does not make a majority');
  tr.progress.get('2')?.maybeUpdate(7);
  t.equal(tr.committed(), 7);
  for (const pr of tr.progress.values()) pr.lastContact = -100;
  const learner = tr.progress.get('4');
  if (learner) learner.lastContact = 20;
  t.equal(tr.quorumHeardWithin('1', 25, 10), false, 'a learner does not make a quorum');
  const two = tr.progress.get('2');
  if (two) two.lastContact = 16;
  t.equal(tr.quorumHeardWithin('1', 25, 10), true, 'heard from 2 nine ticks ago');
  t.equal(tr.quorumHeardWithin('1', 26, 10), false, 'ten ticks ago is too long');
});

t.test('ProgressTracker: votes are recorded once per member', async (t) => {
  const tr = new ProgressTracker(limits);
  tr.setConfig({ voters: ['1', '2', '3'], learners: [] }, 1);
  tr.recordVote('1', true);
  tr.recordVote('2', false);
  tr.recordVote('2', true);
  t.equal(tr.tallyVotes(), 'pending', 'the second answer of 2 does not count');
  tr.resetVotes();
  t.equal(tr.votes.size, 0);
});
