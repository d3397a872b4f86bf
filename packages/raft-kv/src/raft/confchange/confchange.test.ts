import t from 'tap';
import { decodeConfChange, encodeConfChange } from '../codec.js';
import { RaftError } from '../errors.js';
import { applyConfChange, voterDelta } from './confchange.js';

const cs = { voters: ['1', '2', '3'], learners: ['4'] };

t.test('applyConfChange: one member at a time', async (t) => {
  t.same(applyConfChange(cs, { type: 'addVoter', nodeId: '5' }), { voters: ['1', '2', '3', '5'], learners: ['4'] });
  t.same(
    applyConfChange(cs, { type: 'addVoter', nodeId: '4' }),
    { voters: ['1', '2', '3', '4'], learners: [] },
    'promotion',
  );
  t.same(applyConfChange(cs, { type: 'addLearner', nodeId: '5' }), { voters: ['1', '2', '3'], learners: ['4', '5'] });
  t.same(applyConfChange(cs, { type: 'removeNode', nodeId: '2' }), { voters: ['1', '3'], learners: ['4'] });
  t.same(applyConfChange(cs, { type: 'removeNode', nodeId: '4' }), { voters: ['1', '2', '3'], learners: [] });
  t.same(applyConfChange(cs, { type: 'addVoter', nodeId: '1' }), cs, 'adding a voter again changes nothing');
  t.same(applyConfChange(cs, { type: 'removeNode', nodeId: '9' }), cs, 'removing a stranger changes nothing');
});

t.test('applyConfChange: refuses a direct demotion and removing the last voter', async (t) => {
  t.throws(
    () => applyConfChange(cs, { type: 'addLearner', nodeId: '2' }),
    new RaftError('invalidConfChange', 'cannot make voter 2 a learner'),
  );
  t.throws(
    () => applyConfChange({ voters: ['1'], learners: ['2'] }, { type: 'removeNode', nodeId: '1' }),
    new RaftError('invalidConfChange', 'cannot remove the last voter 1'),
  );
});

t.test('§4.1 every valid change moves at most one voter, so old and new majorities overlap', async (t) => {
  const changes = [
    { type: 'addVoter', nodeId: '5' },
    { type: 'addVoter', nodeId: '4' },
    { type: 'addLearner', nodeId: '6' },
    { type: 'removeNode', nodeId: '1' },
    { type: 'removeNode', nodeId: '4' },
  ] as const;
  for (const cc of changes) {
    const next = applyConfChange(cs, cc);
    t.ok(voterDelta(cs, next) <= 1, `${cc.type} ${cc.nodeId}`);
    const before = new Set(cs.voters);
    const after = new Set(next.voters);
    // Any majority of `before` and any majority of `after` share a member: |M1| + |M2| > |before ∪ after|.
    const union = new Set([...before, ...after]).size;
    t.ok(Math.floor(before.size / 2) + 1 + Math.floor(after.size / 2) + 1 > union, 'majorities overlap');
  }
  t.equal(voterDelta({ voters: ['1', '2'], learners: [] }, { voters: ['3', '4'], learners: [] }), 4);
});

t.test('codec: a change survives the round trip through an entry', async (t) => {
  const cc = { type: 'addVoter', nodeId: '5', context: new Uint8Array([1, 2, 3]) } as const;
  t.same(decodeConfChange(encodeConfChange(cc)), cc);
  t.same(decodeConfChange(encodeConfChange({ type: 'removeNode', nodeId: '2' })), { type: 'removeNode', nodeId: '2' });
  t.throws(
    () => decodeConfChange(new TextEncoder().encode('{"type":"explode","nodeId":"1"}')),
    /not a membership change/,
  );
  t.throws(
    () => decodeConfChange(new TextEncoder().encode('{"type":"addVoter","nodeId":""}')),
    /not a membership change/,
  );
});
