import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { string } from '@volstream/config';
import { defineCommand, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../command.ts';

const options = {
  wasm: string()
    .positional()
    .env('FITTER_WASM')
    .describe('Path of the fitter .wasm module to check (env FITTER_WASM when omitted).'),
};

/** The part of svi-core's conformance kit this command relies on. */
interface FitterCheckKit {
  runFitterCheck(wasmPath: string): Promise<unknown>;
  formatFitterCheckReport(report: unknown): string;
}

/** Whether a report says the module is acceptable; the kit marks it on the report. */
function isAcceptable(report: unknown): boolean {
  if (report === null || typeof report !== 'object') return false;
  const r = report as Record<string, unknown>;
  for (const key of ['acceptable', 'ok', 'passed', 'pass']) {
    if (typeof r[key] === 'boolean') return r[key];
  }
  if (Array.isArray(r.checks)) {
    return r.checks.every(
      (c: unknown) => c !== null && typeof c === 'object' && (c as { pass?: unknown }).pass === true,
    );
  }
  return false;
}

async function loadKit(): Promise<FitterCheckKit> {
  // svi-core's package entry is the WASM loader; the conformance kit is a source module beside it.
  const url = new URL('../../../svi-core/src/fitter-check.ts', import.meta.url);
  return (await import(url.href)) as FitterCheckKit;
}

export const fitterCheckCommand = defineCommand({
  name: 'fitter-check',
  summary: 'Check that a fitter .wasm module is acceptable (ABI, accuracy, arbitrage, speed).',
  description: `Runs svi-core's conformance kit against a WASM module exporting the quant-core ABI: ABI
version and exports, accuracy on the reference vectors of QUANT.md, arbitrage-free fitted slices,
and speed. Prints the report on stdout; exit code 0 when the module is acceptable, 1 when not.`,
  examples: [
    'volstream fitter-check packages/svi-core/pkg/svi_core_bg.wasm',
    'FITTER_WASM=my.wasm volstream fitter-check',
  ],
  options,
  async run({ config, stdout, stderr, logger }) {
    const path = resolve(config.wasm);
    if (!existsSync(path)) {
      stderr.write(`volstream fitter-check: expected WASM to be an existing file, was '${config.wasm}'\n`);
      return EXIT_USAGE;
    }
    const kit = await loadKit();
    const report = await kit.runFitterCheck(path);
    stdout.write(`${kit.formatFitterCheckReport(report).trimEnd()}\n`);
    const acceptable = isAcceptable(report);
    logger.info({ wasm: path, acceptable }, acceptable ? 'fitter is acceptable' : 'fitter is NOT acceptable');
    return acceptable ? EXIT_OK : EXIT_FAILURE;
  },
});
