// Seeded random messages of ANY schema, walked by reflection, for the byte-identity tests of the
// orderbook and volatility codecs: every optional field randomly present, implicit fields randomly
// zero, extreme 64-bit integers, NaN/±inf/−0/subnormal doubles, empty and non-ASCII strings, empty
// and long lists (so nested lengths cross the 128-byte varint boundary), unknown enum numbers.
import { create, type DescField, type DescMessage, type Message, ScalarType } from '@bufbuild/protobuf';
import { rng } from './fast-random.ts';

const STRINGS = ['', 'BTC', 'deribit', 'BTC-24SEP21-34000-P', 'é', 'Ωμέγα-日本語', '🚀', 'a'.repeat(130)];
const DOUBLES = [0, -0, 1, -1, 0.55, 34000, 1e-300, 5e-324, 1e300, Number.NaN, Infinity, -Infinity];
const INT64 = [
  0n,
  1n,
  -1n,
  127n,
  128n,
  2n ** 53n,
  -(2n ** 53n) - 1n,
  2n ** 63n - 1n,
  -(2n ** 63n),
  1_700_000_000_000n,
];
const UINT64 = [0n, 1n, 127n, 128n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 64n - 1n, 1_700_000_000_000_000_000n];

export class SchemaRandom {
  /** Set when a generated double is NaN (deepStrictEqual compares NaN as equal, `equals` not). */
  hasNaN = false;
  private readonly r: () => number;

  constructor(seed: number) {
    this.r = rng(seed);
  }

  private int(n: number): number {
    return Math.floor(this.r() * n);
  }
  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  private scalar(t: ScalarType): unknown {
    switch (t) {
      case ScalarType.DOUBLE: {
        const v = this.r() < 0.5 ? this.pick(DOUBLES) : (this.r() - 0.3) * 10 ** this.int(8);
        if (Number.isNaN(v)) this.hasNaN = true;
        return v;
      }
      case ScalarType.STRING:
        return this.pick(STRINGS);
      case ScalarType.BOOL:
        return this.r() < 0.5;
      case ScalarType.UINT32:
        return this.pick([0, 1, 127, 128, 16_384, 2 ** 31, 2 ** 32 - 1, this.int(1000)]);
      case ScalarType.INT64:
        return this.r() < 0.5 ? this.pick(INT64) : BigInt(this.int(2 ** 31)) * 1000n;
      case ScalarType.UINT64:
        return this.r() < 0.5 ? this.pick(UINT64) : BigInt(this.int(2 ** 31));
      default:
        throw new Error(`scalar type ${t} not generated`);
    }
  }

  private value(field: DescField): unknown {
    if (field.fieldKind === 'scalar') return this.scalar(field.scalar);
    if (field.fieldKind === 'enum') {
      // Mostly known values, sometimes an unknown or negative number (kept as is by protobuf-es).
      return this.r() < 0.9 ? this.pick(field.enum.values).number : this.pick([-1, 99, 300]);
    }
    if (field.fieldKind === 'message') return this.message(field.message);
    if (field.fieldKind === 'list') {
      const n = this.pick([0, 1, 2, 3, 10, 40]);
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) {
        if (field.listKind === 'message') out.push(this.message(field.message));
        else if (field.listKind === 'scalar') out.push(this.scalar(field.scalar));
        else out.push(this.pick(field.enum.values).number);
      }
      return out;
    }
    throw new Error(`field kind ${field.fieldKind} not generated`);
  }

  /** A random message of `desc`; a oneof gets one of its cases (or none). */
  message<T extends Message>(desc: DescMessage): T {
    const m = create(desc) as unknown as Record<string, unknown>;
    for (const field of desc.fields) {
      if (field.oneof !== undefined) continue;
      // About a third of the fields stay unset / zero (absent on the wire).
      if (this.r() < 0.35) continue;
      m[field.localName] = this.value(field);
    }
    for (const oneof of desc.oneofs) {
      if (this.r() < 0.1) continue;
      const field = this.pick(oneof.fields);
      m[oneof.localName] = { case: field.localName, value: this.value(field) };
    }
    return m as unknown as T;
  }
}
