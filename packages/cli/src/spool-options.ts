/**
 * `--spool-max-bytes` of `volstream run` (docs/STORAGE.md "The spool", docs/CLI.md): the cap on
 * the embedded run's storage spool. A size with an optional binary unit: 4GiB, 512MiB, 1073741824.
 */
import { field, type ParseResult } from '@volstream/config';

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
};

/** Bytes of "4GiB", "512 MiB", "1.5g" or "1073741824"; undefined when it is not a positive size. */
export function parseByteSize(raw: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  if (m === null) return undefined;
  const unit = UNITS[(m[2] ?? '').toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [
    ['TiB', 1024 ** 4],
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

function byteSize() {
  return field<number>({
    expected: 'a size in bytes, e.g. 4GiB, 512MiB or 1073741824',
    placeholder: 'SIZE',
    isSwitch: false,
    parse: (raw): ParseResult<number> => {
      const bytes = parseByteSize(raw);
      return bytes === undefined ? { ok: false } : { ok: true, value: bytes };
    },
    show: formatByteSize,
  });
}

export const SPOOL_OPTIONS = {
  spoolMaxBytes: byteSize()
    .optional()
    .env('VOLSTREAM_SPOOL_MAX_BYTES')
    .flag('spool-max-bytes')
    .describe(
      "Cap on the store's disk spool (in-process bus); past it the bus is held back, nothing is dropped. Default: 4GiB or half the free disk, whichever is less.",
    ),
};
