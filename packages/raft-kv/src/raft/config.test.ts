import t from 'tap';
import { resolveConfig } from './config.js';
import { RaftError, invariant } from './errors.js';
import { MemoryStorage } from './storage.js';

const base = { id: '1', storage: new MemoryStorage(), electionTick: 10, heartbeatTick: 1, random: () => 0 };

t.test('resolveConfig fills in defaults', async (t) => {
  t.match(resolveConfig(base), {
    applied: 0,
    maxSizePerMsg: 1024 * 1024,
    maxInflightMsgs: 256,
    maxInflightBytes: 0,
    preVote: false,
    checkQuorum: false,
    readOnlyOption: 'safe',
    bugs: {},
  });
});

t.test('resolveConfig refuses impossible settings', async (t) => {
  t.throws(() => resolveConfig({ ...base, id: '' }), RaftError);
  t.throws(() => resolveConfig({ ...base, heartbeatTick: 0 }), /heartbeatTick must be > 0/);
  t.throws(() => resolveConfig({ ...base, electionTick: 1 }), /electionTick must be > heartbeatTick/);
  t.throws(() => resolveConfig({ ...base, readOnlyOption: 'leaseBased' }), /leaseBased reads need checkQuorum/);
  t.match(resolveConfig({ ...base, readOnlyOption: 'leaseBased', checkQuorum: true }), {
    readOnlyOption: 'leaseBased',
  });
});

t.test('invariant throws a programmer error', async (t) => {
  t.throws(() => invariant(false, () => 'two leaders'), new Error('raft invariant violated: two leaders'));
  t.doesNotThrow(() => invariant(true, () => 'never built'));
});
