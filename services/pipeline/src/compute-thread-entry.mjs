// Worker-thread bootstrap: Node 20 does not apply `--import tsx` to a worker's .ts entry file, so
// the thread registers tsx's loader itself and then imports the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./compute-thread.ts');
