import type { Bus, Consumer } from '@volstream/bus';
import { type SurfaceEvent, TOPICS } from '@volstream/contracts';
import type { Logger } from '@volstream/logging';
import type { GatewayMetrics } from './metrics.ts';
import type { StateStore } from './state-store.ts';

export interface SurfaceFeedOptions {
  /**
   * Consumer group. Every gateway replica needs every partition (it serves all currencies), so the
   * default is unique per process; two replicas must never share a group.
   */
  groupId?: string;
  /** Start at the earliest retained event (tests, replay); the live default starts at the end. */
  fromBeginning?: boolean;
}

/** Feeds the state store from the surface topic. `running` turns true once the consumer runs. */
export class SurfaceFeed {
  private consumer: Consumer<SurfaceEvent> | undefined;
  running = false;

  constructor(
    private readonly bus: Bus,
    private readonly store: StateStore,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
    private readonly options: SurfaceFeedOptions = {},
  ) {}

  async start(): Promise<void> {
    const groupId = this.options.groupId ?? `volstream-gateway-${process.pid}-${Date.now()}`;
    await this.bus.admin.ensureTopics([TOPICS.surface]);
    const consumer = this.bus.consumer<SurfaceEvent>({ groupId });
    this.consumer = consumer;
    await consumer.subscribe([TOPICS.surface], { fromBeginning: this.options.fromBeginning ?? false });
    await consumer.run({
      eachBatch: async (batch) => {
        for (const message of batch.messages) {
          if (this.store.apply(message.value)) this.metrics.counters.surfaceEvents += 1;
        }
      },
    });
    this.running = true;
    this.logger.info({ groupId, topic: TOPICS.surface.name }, 'surface feed running');
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer?.stop();
  }
}
