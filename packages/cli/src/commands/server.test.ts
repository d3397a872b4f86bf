import t from 'tap';
import { parseListen } from './server.js';

t.test('--listen takes host:port, with IPv6 hosts in brackets', async (t) => {
  t.same(parseListen('127.0.0.1:6443'), { host: '127.0.0.1', port: 6443 });
  t.same(parseListen('[::1]:0'), { host: '::1', port: 0 });
  t.throws(() => parseListen('6443'), /--listen: expected host:port/);
  t.throws(() => parseListen('localhost:99999'), /--listen: expected host:port/);
});
