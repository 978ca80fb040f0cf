/**
 * Connector counters. Every frame the venue sends is either published (as one or more events) or
 * dropped with exactly one reason from `DROP_REASONS`, so "in = out + dropped" can be audited per
 * reason. Plain numbers on a class, no label maps on the hot path; `stats()` copies them into a
 * snapshot and `toPrometheus()` renders the text exposition format (the gateway serves it later).
 */
export const DROP_REASONS = [
  'backpressure',
  'bad_value',
  'book_gap',
  'crossed_book',
  'error_reply',
  'invalid_json',
  'publish_failed',
  'request_too_large',
  'too_many_requests',
  'unexpected_reply',
  'unknown_channel',
  'unknown_frame',
  'unknown_instrument',
  'unsynced_book',
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

export interface HeartbeatStats {
  /** `test_request` messages received from the venue. */
  testRequests: number;
  /** `public/test` answers sent. */
  answered: number;
  /** Time from a `test_request` frame's arrival to our answer leaving, µs: last and max. */
  lastAnswerUs: number;
  maxAnswerUs: number;
  /** Round trip of our `public/test` answer (server reply), ms: last and max. */
  lastRttMs: number;
  maxRttMs: number;
  /** The last 16 round trips, oldest first (the max above includes start-up bursts). */
  recentRttMs: number[];
}

export interface ConnectorStats {
  venue: string;
  messagesIn: number;
  controlFrames: number;
  bytesIn: number;
  eventsOut: number;
  publishBatches: number;
  dropped: Record<DropReason, number>;
  droppedTotal: number;
  connectionsOpen: number;
  connections: number;
  reconnects: number;
  resyncsRequested: number;
  resyncsCompleted: number;
  subscribeRequests: number;
  channelsSubscribed: number;
  instruments: number;
  booksSynced: number;
  heartbeat: HeartbeatStats;
  bufferedEvents: number;
}

export class ConnectorMetrics {
  messagesIn = 0;
  /** Frames that were protocol control (heartbeats, replies to our requests), not market data. */
  controlFrames = 0;
  bytesIn = 0;
  eventsOut = 0;
  publishBatches = 0;
  reconnects = 0;
  resyncsRequested = 0;
  resyncsCompleted = 0;
  subscribeRequests = 0;
  readonly dropped: Record<DropReason, number>;
  readonly heartbeat: HeartbeatStats = {
    testRequests: 0,
    answered: 0,
    lastAnswerUs: 0,
    maxAnswerUs: 0,
    lastRttMs: 0,
    maxRttMs: 0,
    recentRttMs: [],
  };

  constructor(readonly venue: string) {
    this.dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  }

  drop(reason: DropReason, n = 1): void {
    this.dropped[reason] += n;
  }

  recordHeartbeatAnswer(answerUs: number): void {
    this.heartbeat.answered += 1;
    this.heartbeat.lastAnswerUs = answerUs;
    if (answerUs > this.heartbeat.maxAnswerUs) this.heartbeat.maxAnswerUs = answerUs;
  }

  recordHeartbeatRtt(rttMs: number): void {
    this.heartbeat.lastRttMs = rttMs;
    this.heartbeat.recentRttMs.push(rttMs);
    if (this.heartbeat.recentRttMs.length > 16) this.heartbeat.recentRttMs.shift();
    if (rttMs > this.heartbeat.maxRttMs) this.heartbeat.maxRttMs = rttMs;
  }

  droppedTotal(): number {
    let total = 0;
    for (const reason of DROP_REASONS) total += this.dropped[reason];
    return total;
  }
}

/** Gauges the metrics object cannot know by itself (owned by the feed and the publisher). */
export interface ConnectorGauges {
  connectionsOpen: number;
  connections: number;
  channelsSubscribed: number;
  instruments: number;
  booksSynced: number;
  bufferedEvents: number;
}

export function snapshotStats(metrics: ConnectorMetrics, gauges: ConnectorGauges): ConnectorStats {
  return {
    venue: metrics.venue,
    messagesIn: metrics.messagesIn,
    controlFrames: metrics.controlFrames,
    bytesIn: metrics.bytesIn,
    eventsOut: metrics.eventsOut,
    publishBatches: metrics.publishBatches,
    dropped: { ...metrics.dropped },
    droppedTotal: metrics.droppedTotal(),
    reconnects: metrics.reconnects,
    resyncsRequested: metrics.resyncsRequested,
    resyncsCompleted: metrics.resyncsCompleted,
    subscribeRequests: metrics.subscribeRequests,
    heartbeat: { ...metrics.heartbeat, recentRttMs: [...metrics.heartbeat.recentRttMs] },
    ...gauges,
  };
}

/** Prometheus text exposition (version 0.0.4) of a stats snapshot. */
export function toPrometheus(stats: ConnectorStats): string {
  const venue = `venue="${stats.venue}"`;
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, value: number, labels = venue) => {
    lines.push(`# HELP volstream_connector_${name} ${help}`);
    lines.push(`# TYPE volstream_connector_${name} ${type}`);
    lines.push(`volstream_connector_${name}{${labels}} ${value}`);
  };
  metric('messages_in_total', 'counter', 'Frames received from the venue.', stats.messagesIn);
  metric('bytes_in_total', 'counter', 'Bytes received from the venue.', stats.bytesIn);
  metric('events_out_total', 'counter', 'Contract events published.', stats.eventsOut);
  metric('reconnects_total', 'counter', 'Websocket reconnects.', stats.reconnects);
  metric('resyncs_requested_total', 'counter', 'Book resyncs requested.', stats.resyncsRequested);
  metric(
    'resyncs_completed_total',
    'counter',
    'Book resyncs completed by a snapshot.',
    stats.resyncsCompleted,
  );
  metric('subscribe_requests_total', 'counter', 'Subscribe requests sent.', stats.subscribeRequests);
  metric('test_requests_total', 'counter', 'Heartbeat test_requests received.', stats.heartbeat.testRequests);
  metric(
    'heartbeat_answer_max_us',
    'gauge',
    'Worst test_request answer delay (us).',
    stats.heartbeat.maxAnswerUs,
  );
  metric('heartbeat_rtt_ms', 'gauge', 'Last public/test round trip (ms).', stats.heartbeat.lastRttMs);
  metric('connections_open', 'gauge', 'Open websocket connections.', stats.connectionsOpen);
  metric('channels_subscribed', 'gauge', 'Channels subscribed.', stats.channelsSubscribed);
  metric('instruments', 'gauge', 'Instruments tracked.', stats.instruments);
  metric('books_synced', 'gauge', 'Books currently in sequence.', stats.booksSynced);
  metric('buffered_events', 'gauge', 'Events waiting to be published.', stats.bufferedEvents);
  lines.push('# HELP volstream_connector_dropped_total Venue input dropped, by reason.');
  lines.push('# TYPE volstream_connector_dropped_total counter');
  for (const [reason, value] of Object.entries(stats.dropped)) {
    lines.push(`volstream_connector_dropped_total{${venue},reason="${reason}"} ${value}`);
  }
  return `${lines.join('\n')}\n`;
}
