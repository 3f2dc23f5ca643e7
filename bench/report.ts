// What a scenario reports and how it is printed: its own figures, then each rate and each CPU
// cost against `/healthz` measured right before and right after it in the same run, with the
// aims of the peak-day rush beside them. A benchmark, not a test: an aim missed is printed,
// only errors, oversold places and counter drift fail the run.
import type { LoadResult } from './http-load.ts';
import type { Health, Usage } from './measure.ts';

export interface ScenarioReport {
  title: string;
  rows: [string, string][];
  /** Rates compared with the /healthz rate; `aim`: the least ratio aimed at. */
  rates: { label: string; result: LoadResult; aim?: number; p99AimMs?: number }[];
  /** App CPU seconds per request compared with a /healthz; `aim`: the most times a /healthz aimed at. */
  cpu: { label: string; seconds: number; aim?: number }[];
  errors: number;
  oversold: number;
  drift: number;
}

export const line = (k: string, v: string) => console.log(`  ${k.padEnd(50)} ${v}`);
export const micros = (seconds: number) => `${(seconds * 1e6).toFixed(0)} µs`;
export const ms = (r: Pick<LoadResult, 'p50' | 'p99'>) => `${r.p50.toFixed(1)} ms / ${r.p99.toFixed(1)} ms`;
export const statusList = (statuses: Record<string, number>) =>
  Object.entries(statuses)
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ');

/** The rows every load phase shares: requests, rate, latency, statuses, CPU per request. */
export function loadRows(label: string, r: LoadResult, usage?: Usage): [string, string][] {
  const rows: [string, string][] = [
    [`${label}: requests`, `${r.requests} in ${r.seconds.toFixed(1)} s (${statusList(r.statuses)})`],
    [`${label}: requests/s`, r.perSecond.toFixed(0)],
    [`${label}: latency p50 / p99`, ms(r)],
  ];
  if (usage) rows.push(...usageRows(label, usage, r.requests));
  return rows;
}

export function usageRows(label: string, u: Usage, requests: number): [string, string][] {
  return [
    [
      `${label}: app CPU / request`,
      `${micros((u.appCpu + u.appCpuAfter) / requests)} (${micros(u.appCpuAfter / requests)} of it after the last answer, busy ${(u.busyAfterMs / 1000).toFixed(1)} s more)`,
    ],
    [`${label}: engine CPU / request`, micros((u.engineCpu + u.engineCpuAfter) / requests)],
    [`${label}: database requests / request`, (u.databaseRequests / requests).toFixed(2)],
    [`${label}: log bytes / request`, (u.logBytes / requests).toFixed(0)],
  ];
}

/** The mean of the /healthz measures around a scenario. */
export function meanHealth(before: Health, after: Health) {
  return {
    perSecond: (before.result.perSecond + after.result.perSecond) / 2,
    cpuPerRequest: (before.cpuPerRequest + after.cpuPerRequest) / 2,
  };
}

export function printReport(report: ScenarioReport, before: Health, after: Health): void {
  console.log(`\n${report.title}`);
  for (const [k, v] of report.rows) line(k, v);
  line('errors (5xx or no answer)', String(report.errors));
  line('oversold places', String(report.oversold));
  line('counter drift', String(report.drift));
  const health = meanHealth(before, after);
  line(
    '/healthz before / after: requests/s',
    `${before.result.perSecond.toFixed(0)} / ${after.result.perSecond.toFixed(0)} (p99 ${before.result.p99.toFixed(1)} / ${after.result.p99.toFixed(1)} ms)`,
  );
  line('/healthz: app CPU / request', micros(health.cpuPerRequest));
  for (const rate of report.rates) {
    const ratio = rate.result.perSecond / health.perSecond;
    const aim = rate.aim === undefined ? '' : ` (aim ≥ ${rate.aim}: ${ratio >= rate.aim ? 'met' : 'MISSED'})`;
    line(`${rate.label} ÷ /healthz rate`, `${ratio.toFixed(3)}${aim}`);
    if (rate.p99AimMs !== undefined)
      line(
        `${rate.label} p99 under ${rate.p99AimMs} ms`,
        rate.result.p99 < rate.p99AimMs ? 'yes' : `NO (${rate.result.p99.toFixed(0)} ms)`,
      );
  }
  for (const cost of report.cpu) {
    const times = cost.seconds / health.cpuPerRequest;
    const aim = cost.aim === undefined ? '' : ` (aim ≤ ${cost.aim}: ${times <= cost.aim ? 'met' : 'MISSED'})`;
    line(`${cost.label} ÷ /healthz app CPU`, `${times.toFixed(1)}×${aim}`);
  }
}
