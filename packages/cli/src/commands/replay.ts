import { existsSync } from 'node:fs';
import { string } from '@volstream/config';
import { defineCommand, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../command.ts';
import { openConfiguredStore, STORE_OPTIONS } from './store.ts';

const options = {
  from: string({ nonEmpty: true }).flag('from').describe('Start of the range: ISO time (UTC) or epoch ms.'),
  to: string({ nonEmpty: true }).flag('to').describe('End of the range (exclusive): ISO time or epoch ms.'),
  fitter: string()
    .optional()
    .flag('fitter')
    .describe('Another fitter .wasm module (default: the bundled one, or FITTER_WASM).'),
  runId: string()
    .optional()
    .flag('run-id')
    .describe('Run id of the results (default replay-<from>-<fitter id>).'),
  sourceRun: string()
    .default('live')
    .flag('source-run')
    .describe('Run whose stored market data is replayed.'),
  speed: string()
    .default('max')
    .flag('speed')
    .describe("'max' (as fast as possible) or a multiple of real time, e.g. 1x."),
  ...STORE_OPTIONS,
};

/** ISO time or epoch ms → epoch ms, undefined when neither. */
export function parseTime(raw: string): number | undefined {
  if (/^\d+$/.test(raw)) return Number(raw);
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(raw) || !raw.includes('T') ? raw : `${raw}Z`;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

function parseSpeed(raw: string): 'max' | number | undefined {
  if (raw === 'max') return 'max';
  const m = /^(\d+(?:\.\d+)?)x?$/.exec(raw);
  const n = m === null ? Number.NaN : Number(m[1]);
  return n > 0 ? n : undefined;
}

export const replayCommand = defineCommand({
  name: 'replay',
  summary: 'Replay stored market data through the pipeline under a new run id (optionally another fitter).',
  description: `Reads the stored market data of [--from, --to) and runs it through the order-book,
volatility and surface transforms in-process, with the default fitter or --fitter, writing the
volatility quotes, smiles and surfaces under a new run id beside the originals (compare them with
volstream sql; docs/SQL.md "Two runs side by side"). Deterministic: the same data and fitter give
the same surfaces. Progress with ETA on stderr; the summary as JSON on stdout.`,
  examples: [
    'volstream replay --from 2026-03-02T09:00:00Z --to 2026-03-02T10:00:00Z',
    'volstream replay --from 2026-03-02T09:00 --to 2026-03-02T10:00 --fitter alt.wasm --run-id alt-1',
  ],
  options,
  async run({ config, stdout, stderr, signal }) {
    const fromMs = parseTime(config.from);
    const toMs = parseTime(config.to);
    const speed = parseSpeed(config.speed);
    if (fromMs === undefined || toMs === undefined || toMs <= fromMs) {
      stderr.write(
        `volstream replay: expected --from < --to as ISO times or epoch ms, was '${config.from}', '${config.to}'\n`,
      );
      return EXIT_USAGE;
    }
    if (speed === undefined) {
      stderr.write(
        `volstream replay: expected --speed max or a multiple such as 1x, was '${config.speed}'\n`,
      );
      return EXIT_USAGE;
    }
    if (config.fitter !== undefined && !existsSync(config.fitter)) {
      stderr.write(
        `volstream replay: expected --fitter to be an existing .wasm file, was '${config.fitter}'\n`,
      );
      return EXIT_USAGE;
    }
    const store = await openConfiguredStore(config);
    const { progressPrinter, replay } = await import('@volstream/replay');
    try {
      const result = await replay(store, {
        fromMs,
        toMs,
        speed,
        sourceRunId: config.sourceRun,
        signal,
        ...(config.runId === undefined ? {} : { runId: config.runId }),
        ...(config.fitter === undefined ? {} : { wasmPath: config.fitter }),
        // A bar with ETA on a terminal, a line every few seconds otherwise (docs/STORAGE.md "Replay").
        onProgress: progressPrinter(stderr as NodeJS.WritableStream & { isTTY?: boolean; columns?: number }),
      });
      stdout.write(`${JSON.stringify(result)}\n`);
      return EXIT_OK;
    } catch (err) {
      stderr.write(`volstream replay: ${(err as Error).message}\n`);
      return EXIT_FAILURE;
    } finally {
      await store.close();
    }
  },
});
