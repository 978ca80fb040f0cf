import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createBus } from '../src/index.ts';
import type { Bus } from '../src/types.ts';
import { quietLogger } from './helpers.ts';
import {
  badInput,
  contractRoundTrip,
  type Fixture,
  groupTakeover,
  orderingAndLag,
  restartAndReplay,
} from './scenarios.ts';

const buses: Bus[] = [];
let n = 0;
const fx: Fixture = {
  bus: (logger = quietLogger()) => {
    const bus = createBus({ transport: 'inprocess' }, { logger });
    buses.push(bus);
    return bus;
  },
  topic: (prefix) => `${prefix}.t${n++}`,
};
after(() => Promise.all(buses.map((b) => b.close())));

describe('in-process transport: shared scenarios', () => {
  test('every contract sample round-trips; real bad bytes are skipped', () => contractRoundTrip(fx));
  test('a group member leaving hands its partitions over without loss or repeats', async () => {
    const { duplicates } = await groupTakeover(fx);
    assert.equal(duplicates, 0);
  });
  test('restart resumes after the last commit; replay repeats the sequence', () => restartAndReplay(fx));
  test('bad input is counted, logged once, skipped', () => badInput(fx));
  test('per-key order and lag', () => orderingAndLag(fx));
});
