/**
 * Ids of the venues in the registry (registry.ts), kept in a module without imports so that the
 * CLI can build `--venue` help without loading any venue code. registry.test checks they agree.
 */
export const VENUE_NAMES = ['binance', 'bybit', 'deribit', 'okx'] as const;
