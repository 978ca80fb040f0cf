import type { Bus } from '@volstream/bus';
import { type BusTransport, resolveBusTransport } from '@volstream/config';
import { VolstreamError } from '@volstream/errors';
import type { Logger } from '@volstream/logging';

export interface BusSettings {
  readonly bus: BusTransport | undefined;
  readonly brokers: readonly string[] | undefined;
  readonly kafkaIdempotent: boolean;
}

/**
 * Creates the bus a command asked for. `@volstream/bus` (and with it kafkajs) is imported here,
 * lazily, so `--help` and commands without a bus start fast.
 */
export async function openBus(
  settings: BusSettings,
  logger: Logger,
  clientId = 'volstream-cli',
): Promise<Bus> {
  const { createBus } = await import('@volstream/bus');
  const transport = resolveBusTransport(settings);
  if (transport === 'inprocess') return createBus({ transport: 'inprocess' }, { logger });
  const brokers = settings.brokers;
  if (brokers === undefined || brokers.length === 0) {
    throw new VolstreamError(
      'CONFIG_MISSING',
      'Missing brokers: --bus kafka needs --brokers or VOLSTREAM_BROKERS',
    );
  }
  return createBus(
    {
      transport: 'kafka',
      brokers: [...brokers],
      clientId,
      idempotent: settings.kafkaIdempotent,
      compression: 'gzip',
    },
    { logger },
  );
}
