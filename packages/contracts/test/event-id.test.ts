import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventId, fnv1a64Hex, newHeader, nowNs, SCHEMA_VERSION } from '../src/index.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('eventId', () => {
  it('implements 64-bit FNV-1a (published test vectors)', () => {
    // Vectors from the FNV reference test suite (isthe.com/chongo/src/fnv/test_fnv.c).
    assert.equal(fnv1a64Hex(utf8('')), 'cbf29ce484222325');
    assert.equal(fnv1a64Hex(utf8('a')), 'af63dc4c8601ec8c');
    assert.equal(fnv1a64Hex(utf8('foobar')), '85944171f73967e8');
  });

  it('matches a bigint reference implementation on varied input', () => {
    const reference = (bytes: Uint8Array): string => {
      let h = 0xcbf29ce484222325n;
      for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
      return h.toString(16).padStart(16, '0');
    };
    for (const text of ['deribit\u001fBTC-27MAR26-70000-C\u001f33195894124', 'ü€𝄞', 'x'.repeat(300)]) {
      assert.equal(fnv1a64Hex(utf8(text)), reference(utf8(text)));
    }
  });

  it('is deterministic and sensitive to every part and its position', () => {
    const id = eventId('deribit', 'book_delta', 'BTC-24SEP21-34000-P', 33_195_897_416n);
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.equal(id, eventId('deribit', 'book_delta', 'BTC-24SEP21-34000-P', 33_195_897_416n));
    assert.notEqual(id, eventId('deribit', 'book_delta', 'BTC-24SEP21-34000-P', 33_195_897_417n));
    assert.notEqual(eventId('ab', 'c'), eventId('a', 'bc'));
    assert.notEqual(eventId('a', undefined, 'b'), eventId('a', 'b'));
  });
});

describe('newHeader', () => {
  it('fills schema version, sequence, run id and publish time', () => {
    const before = nowNs();
    const h = newHeader({
      venue: 'deribit',
      producerId: 'connector-deribit-0',
      eventId: 'abc',
      exchangeTimeMs: 1_626_993_722_931,
      receiveTimeNs: 1_626_993_722_976_000_000n,
    });
    assert.equal(h.schemaVersion, SCHEMA_VERSION);
    assert.equal(h.exchangeTimeMs, 1_626_993_722_931n);
    assert.equal(h.receiveTimeNs, 1_626_993_722_976_000_000n);
    assert.equal(h.sourceSequence, 0n);
    assert.equal(h.runId, 'live');
    assert.ok(h.publishTimeNs >= before && h.publishTimeNs <= nowNs());
  });

  it('nowNs is wall-clock epoch nanoseconds and never goes backwards', () => {
    const a = nowNs();
    const b = nowNs();
    assert.ok(b >= a);
    const wallMs = Date.now();
    assert.ok(Math.abs(Number(a / 1_000_000n) - wallMs) < 1_000);
  });
});
