import type { ComponentEntry } from './components.ts';

/**
 * What `volstream run` starts, in order (stopped in reverse). Each entry imports its service
 * lazily. Later components (workers, gateway, storage) append an entry here.
 */
export const RUN_COMPONENTS: readonly ComponentEntry[] = [];
