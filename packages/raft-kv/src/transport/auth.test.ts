import t from 'tap';
import type { IncomingMessage } from 'node:http';
import { isMemberId, tokensEqual, upgradeHeaders, verifyUpgrade } from './auth.js';
import { isSecureUrl, raftEndpoint } from './endpoint.js';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const opts = { token: 'secret', localId: 'b' };

t.test('tokens compare equal only when they are', async (t) => {
  t.ok(tokensEqual('secret', 'secret'));
  t.notOk(tokensEqual('secret', 'secreT'));
  t.notOk(tokensEqual('secret', 'secret-but-longer'));
  t.notOk(tokensEqual('', 'secret'));
});

t.test('an upgrade needs the token and a member id, and must be meant for us', async (t) => {
  t.same(verifyUpgrade(request(upgradeHeaders({ token: 'secret', from: 'a', target: 'b' })), opts), {
    ok: true,
    peerId: 'a',
  });
  t.match(verifyUpgrade(request(upgradeHeaders({ token: 'wrong', from: 'a', target: 'b' })), opts), { status: 401 });
  t.match(verifyUpgrade(request({}), opts), { status: 401 });
  t.match(verifyUpgrade(request({ 'x-bosun-cluster-token': 'secret' }), opts), { status: 400 });
  t.match(verifyUpgrade(request(upgradeHeaders({ token: 'secret', from: 'a', target: 'c' })), opts), { status: 421 });
  t.ok(isMemberId('node-1.example'));
  t.notOk(isMemberId(''));
  t.notOk(isMemberId('with space'));
});

t.test('peer URLs map to the Raft endpoint', async (t) => {
  t.equal(raftEndpoint('http://127.0.0.1:2380'), 'ws://127.0.0.1:2380/raft');
  t.equal(raftEndpoint('https://127.0.0.1:2380/'), 'wss://127.0.0.1:2380/raft');
  t.equal(raftEndpoint('http://127.0.0.1:2380/peers/', '/r'), 'ws://127.0.0.1:2380/peers/r');
  t.equal(raftEndpoint('wss://h:1?x=1'), 'wss://h:1/raft');
  t.throws(() => raftEndpoint('ftp://h:1'), /http\(s\) or ws\(s\)/);
  t.ok(isSecureUrl('https://h:1'));
  t.notOk(isSecureUrl('http://h:1'));
});
