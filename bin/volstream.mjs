#!/usr/bin/env node
// The volstream CLI. Sources are TypeScript run through tsx's loader, so no build step stands
// between `npm ci` and `npx volstream`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../packages/cli/src/main.ts');
process.exitCode = await main(process.argv.slice(2));
