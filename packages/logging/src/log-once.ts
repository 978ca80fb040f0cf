import type { Logger } from 'pino';

/**
 * Bad input from outside is logged once per kind, with context, then only counted: a venue that
 * sends the same malformed frame 10,000 times must not flood the log. `key` names the kind (for
 * example `invalid-json` or `unknown-instrument:BTC-1JAN30-1-C`); the first occurrence is logged.
 */
export class LogOnce {
  readonly #seen = new Set<string>();
  readonly #maxKeys: number;

  constructor(
    private readonly logger: Logger,
    maxKeys = 10_000,
  ) {
    this.#maxKeys = maxKeys;
  }

  warn(key: string, context: Record<string, unknown>, message: string): boolean {
    if (this.#seen.has(key)) return false;
    if (this.#seen.size >= this.#maxKeys) return false;
    this.#seen.add(key);
    this.logger.warn(context, message);
    return true;
  }

  hasLogged(key: string): boolean {
    return this.#seen.has(key);
  }
}
