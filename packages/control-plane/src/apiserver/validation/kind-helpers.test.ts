import t from 'tap';
import { isCIDR, isIP, isIPv4, portNumOrName, protocol } from './kind-helpers.js';
import { sameJson } from './json-equal.js';
import { portName } from './names.js';

t.test('IP and CIDR checks', async (t) => {
  const ips: [string, boolean, boolean][] = [
    ['10.0.0.1', true, true],
    ['256.0.0.1', false, false],
    ['10.0.0', false, false],
    ['fd00::1', false, true],
    ['not-an-ip', false, false],
  ];
  for (const [ip, v4, any] of ips) {
    t.equal(isIPv4(ip), v4, `${ip} v4`);
    t.equal(isIP(ip), any, `${ip} any`);
  }
  const cidrs: [string, boolean][] = [
    ['10.244.0.0/16', true],
    ['10.244.0.0/33', false],
    ['10.244.0.0', false],
    ['fd00::/64', true],
    ['fd00::/129', false],
    ['10.244.0.0/x', false],
  ];
  for (const [cidr, ok] of cidrs) t.equal(isCIDR(cidr), ok, cidr);
});

t.test('port names follow IANA_SVC_NAME', async (t) => {
  const cases: [string, string[]][] = [
    ['http', []],
    ['http-alt2', []],
    ['123', ['must contain at least one letter (a-z)']],
    ['a--b', ['must not contain consecutive hyphens']],
    ['-http', ['must not begin or end with a hyphen']],
    ['Http', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']],
    ['abcdefghijklmnop', ['must be no more than 15 characters']],
  ];
  for (const [name, expected] of cases) t.same(portName(name), expected, name);
  t.same(portNumOrName('p', 8080), []);
  t.same(portNumOrName('p', ''), [{ type: 'FieldValueRequired', field: 'p', message: 'Required value' }]);
  t.equal(portNumOrName('p', true).length, 1);
  t.same(protocol('p', 'UDP'), []);
  t.equal(protocol('p', 'udp')[0]?.type, 'FieldValueNotSupported');
});

t.test('sameJson ignores key order and undefined members', async (t) => {
  t.ok(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1, d: undefined }));
  t.notOk(sameJson({ a: 1 }, { a: 2 }));
  t.notOk(sameJson([1, 2], [2, 1]));
});
