import type { Logger } from '@volstream/logging';
import type { Bus, Consumer, ConsumerOptions, Producer, ProducerOptions } from '../types.ts';
import { InProcessBroker, type InProcessBrokerOptions } from './inprocess-broker.ts';
import { InProcessConsumer } from './inprocess-consumer.ts';
import { InProcessProducer } from './inprocess-producer.ts';

export interface InProcessBusConfig extends InProcessBrokerOptions {
  transport: 'inprocess';
  /** Share topics and groups with other buses of this process (default: a broker of its own). */
  broker?: InProcessBroker;
}

export function createInProcessBus(config: InProcessBusConfig, logger: Logger): Bus {
  const broker = config.broker ?? new InProcessBroker(config);
  const producers = new Set<Producer>();
  const consumers = new Set<Consumer<unknown>>();
  return {
    transport: 'inprocess',
    admin: {
      async ensureTopics(topics) {
        for (const t of topics) broker.topic(t.name, t.partitions);
      },
    },
    producer(options: ProducerOptions = {}): Producer {
      const producer = new InProcessProducer(broker, options);
      producers.add(producer);
      return producer;
    },
    consumer<T>(options: ConsumerOptions): Consumer<T> {
      const consumer = new InProcessConsumer<T>(broker, options, logger);
      consumers.add(consumer as Consumer<unknown>);
      return consumer;
    },
    async close() {
      await Promise.all([...consumers].map((c) => c.stop()));
      await Promise.all([...producers].map((p) => p.close()));
      consumers.clear();
      producers.clear();
    },
  };
}
