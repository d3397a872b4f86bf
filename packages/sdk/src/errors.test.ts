import t from 'tap';
import { ApiStatusError, isAlreadyExists, isConflict, isGone, isInvalid, isNotFound, isStatus } from './errors.js';

t.test('an error from a Status body keeps code, reason, message and causes', async (t) => {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    message: 'Pod "x" is invalid: spec.containers: Required value',
    reason: 'Invalid',
    details: { name: 'x', kind: 'Pod', causes: [{ reason: 'FieldValueRequired', field: 'spec.containers' }] },
    code: 422,
  });
  const err = ApiStatusError.fromResponse(422, Buffer.from(body));
  t.ok(err instanceof Error);
  t.equal(err.code, 422);
  t.equal(err.reason, 'Invalid');
  t.equal(err.message, 'Pod "x" is invalid: spec.containers: Required value');
  t.same(err.causes, [{ reason: 'FieldValueRequired', field: 'spec.containers' }]);
  t.equal(err.status.details?.name, 'x');
  t.ok(isInvalid(err));
  t.notOk(isNotFound(err));
});

t.test('a non-Status body falls back to the HTTP status and text', async (t) => {
  const err = ApiStatusError.fromResponse(503, 'node agents are not available\n');
  t.equal(err.code, 503);
  t.equal(err.reason, 'ServiceUnavailable');
  t.equal(err.message, 'node agents are not available');
  t.same(err.causes, []);
  const empty = ApiStatusError.fromResponse(418, '');
  t.equal(empty.reason, 'Unknown');
  t.equal(empty.message, 'the server answered 418');
  const noCode = ApiStatusError.fromResponse(
    404,
    JSON.stringify({ kind: 'Status', reason: 'NotFound', message: 'gone' }),
  );
  t.equal(noCode.code, 404, 'the HTTP status fills a Status without code');
});

t.test('predicates tell the 409s apart', async (t) => {
  const conflict = new ApiStatusError({ code: 409, reason: 'Conflict' });
  const exists = new ApiStatusError({ code: 409, reason: 'AlreadyExists' });
  t.ok(isConflict(conflict));
  t.notOk(isAlreadyExists(conflict));
  t.ok(isAlreadyExists(exists));
  t.notOk(isConflict(exists));
  t.ok(isGone(new ApiStatusError({ code: 410, reason: 'Expired' })));
  t.ok(isNotFound(new ApiStatusError({ code: 404 })));
  t.ok(isNotFound({ code: 404 }), 'any error-like with a numeric code');
  t.notOk(isNotFound(new Error('x')));
  t.notOk(isNotFound(undefined));
  t.equal(new ApiStatusError({ code: 404 }).reason, 'NotFound');
  t.ok(isStatus({ kind: 'Status' }));
  t.notOk(isStatus({ kind: 'Pod' }));
});
