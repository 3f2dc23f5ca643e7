// Scenario 4, the steady rush: a peak day of 34,000 places (17 half-hour slots of 2,000) booked
// through POST /api/v1/appointments by BENCH_CLIENTS clients for BENCH_SECONDS, places enough
// that every couple is booked.
import { apiBooking, coupleFor, integrityOf, seedPeakDay } from './bench-data.ts';
import { runLoad } from './http-load.ts';
import { errorCount, measured } from './measure.ts';
import { loadRows, micros, type ScenarioReport } from './report.ts';
import type { ScenarioContext } from './scenario.ts';

const SESSIONS = [
  { start: '08:30', end: '12:00' },
  { start: '13:00', end: '18:00' },
];

export async function steadyRush(ctx: ScenarioContext, slug = 'bench-steady'): Promise<ScenarioReport> {
  const day = await seedPeakDay({ slug, sessions: SESSIONS, quota: 2000 });
  // Far above the couples of the opening scenarios, so that nobody is booked twice.
  let serial = 500_000;
  const run = await measured(ctx.app, () =>
    runLoad({
      port: ctx.app.port,
      clients: ctx.clients,
      durationMs: ctx.durationMs,
      next: (client, i) =>
        apiBooking(day, day.starts[(client + i) % day.starts.length]!, coupleFor(++serial)),
    }),
  );
  const booking = run.value;
  const integrity = await integrityOf(day);
  return {
    title: `4. Steady rush: a peak day of ${day.places} places through the API`,
    rows: loadRows('booking', booking, run.usage),
    rates: [{ label: 'booking', result: booking, aim: 0.25, p99AimMs: 250 }],
    cpu: [
      { label: 'app CPU / booking', seconds: (run.usage.appCpu + run.usage.appCpuAfter) / booking.requests },
    ],
    errors: errorCount(booking.statuses),
    oversold: integrity.oversold,
    drift: integrity.drift,
  };
}

/** The steady rush as one line, for a configuration compared with the default install. */
export function oneLine(report: ScenarioReport, healthPerSecond: number, healthCpu: number): string {
  const rate = report.rates[0]!.result;
  const cpu = report.cpu[0]!.seconds;
  return [
    `${rate.perSecond.toFixed(0)} bookings/s`,
    `p50 / p99 ${rate.p50.toFixed(1)} / ${rate.p99.toFixed(1)} ms`,
    `${micros(cpu)} app CPU each`,
    `÷ /healthz ${(rate.perSecond / healthPerSecond).toFixed(3)} (${healthPerSecond.toFixed(0)}/s, ${micros(healthCpu)} each)`,
    `errors ${report.errors}, oversold ${report.oversold}, drift ${report.drift}`,
  ].join('; ');
}
