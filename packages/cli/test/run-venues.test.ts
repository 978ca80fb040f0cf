// The venue helpers of `volstream run --venues`: sources per venue, the missing-simulator error,
// public endpoints from the registry URLs, and the venue status board the gateway reads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isVolstreamError } from '@volstream/errors';
import {
  assertSimulated,
  publicEndpoint,
  resolveVenueSources,
  runVenues,
  type VenueConnectorStats,
  VenueStatusBoard,
} from '../src/run-venues.ts';

describe('run venues', () => {
  it('defaults to deribit and drops duplicates, keeping the order given', () => {
    assert.deepEqual(runVenues({}), ['deribit']);
    assert.deepEqual(runVenues({ venues: ['okx', 'deribit', 'okx'] }), ['okx', 'deribit']);
  });

  it('sim and live apply to every venue without probing', async () => {
    const sim = await resolveVenueSources(['deribit', 'okx'], 'sim');
    assert.deepEqual(
      sim.map((s) => [s.venue, s.source]),
      [
        ['deribit', 'sim'],
        ['okx', 'sim'],
      ],
    );
    assert.match(sim[1]?.why ?? '', /built-in OKX simulator/);
    const live = await resolveVenueSources(['bybit'], 'live');
    assert.deepEqual(live[0]?.source, 'live');
  });

  it('a simulated venue without a simulator is a CONFIG_INVALID naming the simulated ones', () => {
    assert.doesNotThrow(() => assertSimulated(['deribit'], ['deribit', 'okx']));
    assert.throws(
      () => assertSimulated(['deribit', 'kraken'], ['deribit', 'okx']),
      (e: unknown) =>
        isVolstreamError(e, 'CONFIG_INVALID') && /kraken/.test(e.message) && /deribit, okx/.test(e.message),
    );
  });

  it('public endpoints: the URL host and its port (443 by default)', () => {
    assert.deepEqual(publicEndpoint('wss://www.deribit.com/ws/api/v2'), {
      host: 'www.deribit.com',
      port: 443,
    });
    assert.deepEqual(publicEndpoint('wss://ws.okx.com:8443/ws/v5/public'), {
      host: 'ws.okx.com',
      port: 8443,
    });
  });

  it('the status board: connected, frames per second over intervals of at least 1 s', () => {
    let now = 1_000;
    let stats: VenueConnectorStats | undefined;
    const board = new VenueStatusBoard(() => now);
    board.add('okx', 'sim', () => stats);
    assert.deepEqual(board.status()[0]?.connected, false, 'not started yet');
    stats = {
      messagesIn: 500,
      connectionsOpen: 2,
      connections: 4,
      instruments: 10,
      booksSynced: 9,
      reconnects: 1,
    };
    now = 3_000;
    const s = board.status()[0];
    assert.equal(s?.connected, true);
    assert.equal(s?.msgsPerSec, 250);
    assert.equal(s?.source, 'sim');
    stats = { ...stats, messagesIn: 600, connectionsOpen: 0 };
    now = 3_500;
    assert.equal(board.status()[0]?.msgsPerSec, 250, 'within 1 s of the last sample: the same rate');
    now = 4_000;
    const t = board.status()[0];
    assert.equal(t?.msgsPerSec, 100);
    assert.equal(t?.connected, false);
  });
});
