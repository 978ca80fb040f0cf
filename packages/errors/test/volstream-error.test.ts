import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeError, ERROR_CODES, isVolstreamError, VolstreamError } from '../src/index.ts';

test('VolstreamError keeps code, cause and frozen context', () => {
  const cause = new Error('socket hang up');
  const err = new VolstreamError('EXCHANGE_UNREACHABLE', 'Expected a websocket, was ECONNREFUSED', {
    cause,
    context: { url: 'ws://127.0.0.1:1' },
    errorClass: 'retryable',
  });
  assert.equal(err.code, 'EXCHANGE_UNREACHABLE');
  assert.equal(err.cause, cause);
  assert.equal(err.errorClass, 'retryable');
  assert.ok(Object.isFrozen(err.context));
  assert.ok(isVolstreamError(err, 'EXCHANGE_UNREACHABLE'));
  assert.ok(!isVolstreamError(err, 'INTERNAL'));
  assert.deepEqual(JSON.parse(JSON.stringify(err)).context, { url: 'ws://127.0.0.1:1' });
});

test('error codes are unique and sorted so additions stay reviewable', () => {
  assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
  assert.deepEqual([...ERROR_CODES], [...ERROR_CODES].sort());
});

test('describeError handles non-Error values', () => {
  assert.equal(describeError(new Error('x')), 'x');
  assert.equal(describeError(42), '42');
});
