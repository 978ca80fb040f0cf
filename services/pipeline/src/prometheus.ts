/**
 * The run report as Prometheus text exposition (format 0.0.4,
 * https://prometheus.io/docs/instrumenting/exposition_formats/). Served by `--metrics-port` and,
 * later, by the gateway at /metrics. Names are `volstream_pipeline_*`; counts since the run started.
 * Per-venue figures carry a `venue` label (a venue's connector stage, its arbitrage counts and
 * truth errors; `venue="composite"` for the composite); unlabelled samples are the run's totals.
 */
import type { RunReport } from './report.ts';

const escapeLabel = (v: string): string =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const num = (v: number): string =>
  Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : '-Inf';

export function reportToPrometheus(report: RunReport): string {
  const lines: string[] = [];
  const family = (
    name: string,
    type: 'counter' | 'gauge',
    help: string,
    samples: readonly [Record<string, string>, number][],
  ): void => {
    const full = `volstream_pipeline_${name}`;
    lines.push(`# HELP ${full} ${help}`, `# TYPE ${full} ${type}`);
    for (const [labels, value] of samples) {
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(',');
      lines.push(`${full}${l === '' ? '' : `{${l}}`} ${num(value)}`);
    }
  };
  // connector-<venue> stages become stage="connector" with a venue label.
  const stages = (
    Object.entries(report.stages).filter(([name]) => name !== 'published') as [
      string,
      { in: number; out: number },
    ][]
  ).map(([s, c]): [Record<string, string>, { in: number; out: number }] =>
    s.startsWith('connector-') ? [{ stage: 'connector', venue: s.slice(10) }, c] : [{ stage: s }, c],
  );
  family(
    'stage_in_total',
    'counter',
    'Messages consumed by each stage.',
    stages.map(([l, c]) => [l, c.in]),
  );
  family(
    'stage_out_total',
    'counter',
    'Events produced by each stage.',
    stages.map(([l, c]) => [l, c.out]),
  );
  family('surfaces_published_total', 'counter', 'Surfaces published.', [
    [{}, report.stages.published.surfaces],
  ]);
  const drops: [Record<string, string>, number][] = [];
  for (const [stage, reasons] of Object.entries(report.dropped.byStage)) {
    for (const [reason, n] of Object.entries(reasons)) drops.push([{ stage, reason }, n]);
  }
  family('dropped_total', 'counter', 'Bad input counted and dropped, by stage and reason.', drops);
  family('throughput_msgs_per_second', 'gauge', 'Market-data messages consumed per second (run average).', [
    [{}, report.throughput.msgsPerSec],
  ]);
  family('latency_ms', 'gauge', 'Connector receipt to surface published, ms.', [
    [{ quantile: '0.5' }, report.latencyMs.p50],
    [{ quantile: '0.99' }, report.latencyMs.p99],
    [{ quantile: '1' }, report.latencyMs.max],
  ]);
  family(
    'lag_messages',
    'gauge',
    'Consumer lag of each worker on its input topic.',
    Object.entries(report.lag.final).map(([s, n]) => [{ stage: s }, n]),
  );
  family(
    'work_total',
    'counter',
    'Volatility worker work reduction: quotes skipped, approximated, fully inverted.',
    [
      [{ kind: 'skipped' }, report.workSaved.skipped],
      [{ kind: 'approximated' }, report.workSaved.approximated],
      [{ kind: 'inverted' }, report.workSaved.fullyInverted],
    ],
  );
  const byVenue = Object.entries(report.arbitrage.byVenue ?? {});
  family('arbitrage_violations_total', 'counter', 'Arbitrage violations re-checked in published surfaces.', [
    [{ kind: 'butterfly' }, report.arbitrage.butterflyViolations],
    [{ kind: 'calendar' }, report.arbitrage.calendarViolations],
    ...byVenue.flatMap(([venue, a]): [Record<string, string>, number][] => [
      [{ kind: 'butterfly', venue }, a.butterflyViolations],
      [{ kind: 'calendar', venue }, a.calendarViolations],
    ]),
  ]);
  if (report.truth !== undefined) {
    family(
      'truth_error_vol_points',
      'gauge',
      'Max error vs simulator truth (expiries >= 7 days), vol points.',
      [
        [{ metric: 'atm_vol' }, report.truth.atmVolErrVolPts.max],
        [{ metric: 'rr25' }, report.truth.rr25ErrVolPts.max],
        ...Object.entries(report.truth.byVenue ?? {}).flatMap(
          ([venue, t]): [Record<string, string>, number][] => [
            [{ metric: 'atm_vol', venue }, t.atmVolErrVolPts.max],
            [{ metric: 'rr25', venue }, t.rr25ErrVolPts.max],
          ],
        ),
      ],
    );
  }
  return `${lines.join('\n')}\n`;
}
