import { duration } from '@volstream/config';
import { CONNECTOR_OPTIONS } from '@volstream/connector/options';
import { defineCommand, EXIT_OK } from '../command.ts';

const options = {
  ...CONNECTOR_OPTIONS,
  for: duration({ min: 1 })
    .optional()
    .flag('for')
    .describe('Run for this long, then stop cleanly (default: until SIGINT/SIGTERM).'),
};

export const connectorCommand = defineCommand({
  name: 'connector',
  summary: 'Run a venue connector: websocket market data -> volstream.marketdata.v1.',
  description: `Connects to the venue over several websockets (--connections), fetches the option and
future instruments of --currencies, subscribes books, tickers, index and listings within the venue's
rate limits, checks book sequences (resyncing from a new snapshot on a gap), answers heartbeats, and
publishes normalised events on volstream.marketdata.v1 (key venue:instrument): to Kafka when
--brokers is given, to a JSON-lines file with --sink file:PATH. On SIGINT/SIGTERM the sockets close
first, then everything received is published and the producer flushed; the final stats are printed
as one JSON line on stdout. Without --url the venue's public endpoint is used; point --url at
'volstream sim' when no exchange is reachable. See docs/ADDING_A_VENUE.md.`,
  examples: [
    'volstream connector --venue deribit --brokers 127.0.0.1:9092',
    'volstream connector --url ws://127.0.0.1:8765/ws/api/v2 --currencies BTC --sink file:md.jsonl --for 30s',
  ],
  options,
  async run({ config, logger, stdout, signal }) {
    const { runConnector } = await import('@volstream/connector');
    const stop = new AbortController();
    const timer = config.for === undefined ? undefined : setTimeout(() => stop.abort(), config.for);
    signal.addEventListener('abort', () => stop.abort(), { once: true });
    const running = runConnector(config, logger, stop.signal);
    logger.info(
      { url: running.url, venue: config.venue, connections: config.connections },
      'connector running',
    );
    const final = await running.done;
    clearTimeout(timer);
    stdout.write(`${JSON.stringify({ final })}\n`);
    return EXIT_OK;
  },
});
