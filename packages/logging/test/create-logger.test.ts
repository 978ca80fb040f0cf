import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, LogOnce } from '../src/index.ts';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

test('logger binds service and venue and redacts secrets', () => {
  const out = capture();
  const log = createLogger({
    service: 'connector',
    venue: 'deribit',
    level: 'info',
    destination: out.stream,
  });
  log.child({ connection: 2 }).info({ apiKey: 'k-123', headers: { authorization: 'Bearer x' } }, 'connected');
  const [line] = out.lines();
  assert.ok(line);
  assert.equal(line.service, 'connector');
  assert.equal(line.venue, 'deribit');
  assert.equal(line.connection, 2);
  assert.equal(line.apiKey, '[redacted]');
  assert.deepEqual(line.headers, { authorization: '[redacted]' });
});

test('LogOnce logs the first occurrence of a kind only', () => {
  const out = capture();
  const once = new LogOnce(createLogger({ service: 't', level: 'info', destination: out.stream }));
  assert.equal(once.warn('invalid-json', { frame: '{' }, 'dropped invalid JSON'), true);
  assert.equal(once.warn('invalid-json', { frame: '{{' }, 'dropped invalid JSON'), false);
  assert.equal(once.warn('unknown-channel', {}, 'dropped'), true);
  assert.equal(out.lines().length, 2);
});
