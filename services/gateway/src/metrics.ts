/**
 * The gateway's own Prometheus counters and gauges (text exposition format 0.0.4). An injectable
 * `extra` callback appends another component's exposition (the pipeline run report in embedded
 * mode) to /metrics.
 */
export class GatewayMetrics {
  readonly counters = {
    surfaceEvents: 0,
    httpRequests: 0,
    httpErrors: 0,
    authFailures: 0,
    rateLimited: 0,
    wsConnections: 0,
    wsBadMessages: 0,
    wsFramesSent: 0,
    wsBytesSent: 0,
    wsConflated: 0,
    wsSlowDisconnects: 0,
  };
  private readonly gauges = new Map<string, () => number>();

  gauge(name: string, read: () => number): void {
    this.gauges.set(name, read);
  }

  render(extra?: () => string): string {
    const c = this.counters;
    const lines: string[] = [];
    const counter = (name: string, help: string, value: number): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`);
    };
    counter(
      'volstream_gateway_surface_events_total',
      'Surface-topic events applied to the state store.',
      c.surfaceEvents,
    );
    counter('volstream_gateway_http_requests_total', 'REST requests served.', c.httpRequests);
    counter('volstream_gateway_http_errors_total', 'REST requests answered with an error.', c.httpErrors);
    counter(
      'volstream_gateway_auth_failures_total',
      'Requests or connections with a missing or unknown API key.',
      c.authFailures,
    );
    counter(
      'volstream_gateway_rate_limited_total',
      'Requests or messages refused by the per-key rate limit.',
      c.rateLimited,
    );
    counter('volstream_gateway_ws_connections_total', 'Websocket connections accepted.', c.wsConnections);
    counter(
      'volstream_gateway_ws_bad_messages_total',
      'Malformed, oversized or invalid client messages.',
      c.wsBadMessages,
    );
    counter('volstream_gateway_ws_frames_sent_total', 'Websocket frames sent.', c.wsFramesSent);
    counter('volstream_gateway_ws_bytes_sent_total', 'Websocket payload bytes sent.', c.wsBytesSent);
    counter(
      'volstream_gateway_ws_conflated_total',
      'Updates replaced by a newer one for a slow client.',
      c.wsConflated,
    );
    counter(
      'volstream_gateway_ws_slow_disconnects_total',
      'Clients disconnected for falling behind.',
      c.wsSlowDisconnects,
    );
    for (const [name, read] of this.gauges) {
      lines.push(`# TYPE ${name} gauge`, `${name} ${read()}`);
    }
    let text = `${lines.join('\n')}\n`;
    if (extra !== undefined) {
      const more = extra();
      if (more !== '') text += more.endsWith('\n') ? more : `${more}\n`;
    }
    return text;
  }
}
