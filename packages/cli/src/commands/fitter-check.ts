import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { string } from '@volstream/config';
import { defineCommand, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../command.ts';

const options = {
  wasm: string()
    .positional()
    .env('FITTER_WASM')
    .describe('Path of the fitter .wasm module to check (env FITTER_WASM when omitted).'),
};

async function loadKit(): Promise<typeof import('../../../svi-core/src/fitter-check.ts')> {
  // svi-core's package entry is the WASM loader; the conformance kit is a source module beside it,
  // imported only when the command runs so `--help` does not load it.
  return import('../../../svi-core/src/fitter-check.ts');
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
    if (!existsSync(path) || !statSync(path).isFile()) {
      stderr.write(`volstream fitter-check: expected WASM to be an existing file, was '${config.wasm}'\n`);
      return EXIT_USAGE;
    }
    const kit = await loadKit();
    const report = await kit.runFitterCheck(path);
    stdout.write(`${kit.formatFitterCheckReport(report).trimEnd()}\n`);
    const acceptable = report.pass;
    logger.info({ wasm: path, acceptable }, acceptable ? 'fitter is acceptable' : 'fitter is NOT acceptable');
    return acceptable ? EXIT_OK : EXIT_FAILURE;
  },
});
