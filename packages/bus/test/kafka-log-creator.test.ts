import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logLevel } from 'kafkajs';
import { kafkaLogCreator } from '../src/kafka/kafka-log-creator.ts';
import { capturedLogger } from './helpers.ts';

test('kafkajs log lines reach our logger one level quieter, with their fields', () => {
  const { logger, lines } = capturedLogger();
  const log = kafkaLogCreator(logger)(logLevel.INFO);
  const entry = (level: logLevel, message: string) => ({
    namespace: 'Runner',
    level,
    label: 'X',
    log: { timestamp: '2026-01-01T00:00:00Z', message, groupId: 'g' },
  });
  log(entry(logLevel.ERROR, 'The group is rebalancing, re-joining'));
  log(entry(logLevel.WARN, 'a warning'));
  log(entry(logLevel.INFO, 'an info'));
  const out = lines();
  // capturedLogger is at 'warn': ERROR → warn passes, WARN → info and INFO → debug do not.
  assert.equal(out.length, 1);
  assert.equal(out[0]!.msg, 'The group is rebalancing, re-joining');
  assert.equal(out[0]!.level, 40);
  assert.equal(out[0]!.namespace, 'Runner');
  assert.equal(out[0]!.groupId, 'g');
  assert.equal(out[0]!.component, 'kafkajs');
});
