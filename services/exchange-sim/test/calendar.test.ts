import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { lastFriday, parseExpiryCode } from '../src/deribit/calendar.ts';
import { expiryCode, listExpiries } from '../src/index.ts';

const CHAINS = new URL('../../../../shared/data/deribit_chain_snapshots_2026/', import.meta.url);

/** Distinct expiries of one currency in a real chain snapshot, as `expiry_datetime` ms. */
function realExpiries(file: string, currency: string): number[] {
  const [header, ...lines] = readFileSync(new URL(file, CHAINS), 'utf8').trim().split('\n');
  const cols = header!.split(',');
  const e = cols.indexOf('expiry_datetime');
  const c = cols.indexOf('currency');
  const set = new Set<number>();
  for (const line of lines) {
    const f = line.split(',');
    if (f[c] === currency) set.add(Date.parse(f[e]!));
  }
  return [...set].sort((a, b) => a - b);
}

describe('Deribit calendar', () => {
  it('names expiries like Deribit: no leading zero, upper-case month, two-digit year', () => {
    assert.equal(expiryCode(Date.UTC(2020, 5, 5, 8)), '5JUN20');
    assert.equal(expiryCode(Date.UTC(2024, 11, 27, 8)), '27DEC24');
    assert.equal(parseExpiryCode('24SEP21'), Date.UTC(2021, 8, 24, 8));
    assert.equal(parseExpiryCode('24XYZ21'), undefined);
    assert.equal(lastFriday(2021, 8), Date.UTC(2021, 8, 24, 8));
  });

  for (const [file, when] of [
    ['deribit_options_snapshot_20260101T091835Z.csv', Date.UTC(2026, 0, 1, 9, 18, 35)],
    ['deribit_options_snapshot_20260301T092218Z.csv', Date.UTC(2026, 2, 1, 9, 22, 18)],
  ] as const) {
    it(`lists exactly the expiries of the real chain of ${file.slice(26, 34)}`, () => {
      const ours = listExpiries(when).map((e) => e.timestamp);
      assert.deepEqual(ours.map(expiryCode), realExpiries(file, 'BTC').map(expiryCode));
      assert.deepEqual(ours.map(expiryCode), realExpiries(file, 'ETH').map(expiryCode));
    });
  }

  it('marks futures on the next two Fridays and on every monthly, like the real chain', () => {
    const listed = listExpiries(Date.UTC(2026, 2, 1, 9, 22));
    const withFuture = listed.filter((e) => e.hasFuture).map((e) => e.code);
    // Real 2026-03-01: BTC-6MAR26 and BTC-13MAR26 are futures, 20MAR26 and the dailies are SYN.
    assert.deepEqual(withFuture, [
      '6MAR26',
      '13MAR26',
      '27MAR26',
      '24APR26',
      '29MAY26',
      '26JUN26',
      '25SEP26',
      '25DEC26',
    ]);
    assert.deepEqual(
      listed.filter((e) => e.period === 'day').map((e) => e.code),
      ['2MAR26', '3MAR26', '4MAR26', '5MAR26'],
    );
  });
});
