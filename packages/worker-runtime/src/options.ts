import { bool, COMMON_OPTIONS, duration, int, string } from '@volstream/config';

/**
 * Settings shared by every pipeline worker (`volstream worker <kind>` and each service's main.ts):
 * flags > env > defaults, like every volstream component.
 */
export const WORKER_OPTIONS = {
  bus: COMMON_OPTIONS.bus,
  brokers: COMMON_OPTIONS.brokers,
  kafkaIdempotent: COMMON_OPTIONS.kafkaIdempotent,
  logLevel: COMMON_OPTIONS.logLevel,
  group: string()
    .optional()
    .env('VOLSTREAM_WORKER_GROUP')
    .flag('group')
    .describe('Consumer group id (default: the worker name). Replicas share it and split the partitions.'),
  fromBeginning: bool()
    .default(true)
    .env('VOLSTREAM_WORKER_FROM_BEGINNING')
    .flag('from-beginning')
    .describe(
      'A group without committed offsets replays the retained input (rebuilds state); false = start at the end.',
    ),
  windowMs: int({ min: 0, max: 60_000 })
    .default(0)
    .env('VOLSTREAM_WORKER_WINDOW_MS')
    .flag('window-ms')
    .describe('Coalescing window in ms: the next batch gathers what arrived meanwhile (latest wins).'),
  maxWindowMessages: int({ min: 1, max: 1_000_000 })
    .default(1000)
    .env('VOLSTREAM_WORKER_MAX_WINDOW')
    .flag('max-window')
    .describe('Most input messages per window.'),
  publishIntervalMs: int({ min: 0, max: 60_000 })
    .default(0)
    .env('VOLSTREAM_PUBLISH_INTERVAL_MS')
    .flag('publish-interval-ms')
    .describe(
      'Order-book worker: publish each book top at most once per this many ms of event time (0 = once per window).',
    ),
  sessionTimeout: duration({ min: 6_000, max: 300_000 })
    .default(30_000)
    .env('VOLSTREAM_WORKER_SESSION_TIMEOUT')
    .flag('session-timeout')
    .describe(
      'Kafka group session timeout: how long a dead replica keeps its partitions before a survivor takes them.',
    ),
  producerId: string()
    .optional()
    .env('VOLSTREAM_PRODUCER_ID')
    .flag('producer-id')
    .describe('Producer id in event headers (default <worker>-0).'),
} as const;
