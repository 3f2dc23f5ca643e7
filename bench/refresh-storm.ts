// Scenario 3, the refresh storm: BENCH_CLIENTS phones reloading the peak day's page, then the
// month calendar it sits in, as fast as the app answers, each phone keeping the cookies the
// app gave it. Half the day's places are taken first, so the pages show real counts.
import { apiBooking, freshCouples, integrityOf, seedPeakDay } from './bench-data.ts';
import { runClients } from './http-load.ts';
import { errorCount, measured } from './measure.ts';
import { OPENING_SESSIONS } from './opening-api.ts';
import { Phone } from './phone.ts';
import { loadRows, type ScenarioReport } from './report.ts';
import type { ScenarioContext } from './scenario.ts';

export async function refreshStorm(ctx: ScenarioContext): Promise<ScenarioReport> {
  const day = await seedPeakDay({ slug: 'bench-refresh', sessions: OPENING_SESSIONS, quota: 20 });
  const couples = freshCouples(day.places / 2);
  let taken = 0;
  await runClients({
    port: ctx.app.port,
    clients: Math.min(ctx.clients, 20),
    durationMs: 120_000,
    step: async (_client, _i, request) => {
      const c = taken++;
      if (c >= couples.length) return false;
      await request(apiBooking(day, day.starts[c % day.starts.length]!, couples[c]!));
      return true;
    },
  });

  const reload = async (path: string) => {
    const phones: Phone[] = [];
    const run = await measured(ctx.app, () =>
      runClients({
        port: ctx.app.port,
        clients: ctx.clients,
        durationMs: ctx.durationMs,
        step: async (client, _i, request) => {
          phones[client] ??= new Phone(request);
          await phones[client].rebind(request).get(path, path);
          return true;
        },
      }),
    );
    return { result: run.value.recorder.result(run.value.seconds), usage: run.usage };
  };
  await ctx.part('day-page');
  const dayPage = await reload(`/offices/${day.slug}/days/${day.date}`);
  await ctx.part('calendar');
  const calendar = await reload(`/offices/${day.slug}?month=${day.date.slice(0, 7)}`);
  const integrity = await integrityOf(day);
  return {
    title: `3. Refresh storm: ${ctx.clients} phones reloading the peak day's page, then its month`,
    rows: [
      ...loadRows('day page', dayPage.result, dayPage.usage),
      ...loadRows('month calendar', calendar.result, calendar.usage),
    ],
    rates: [
      { label: 'day page', result: dayPage.result, aim: 0.5 },
      { label: 'month calendar', result: calendar.result },
    ],
    cpu: [
      {
        label: 'app CPU / day page',
        seconds: (dayPage.usage.appCpu + dayPage.usage.appCpuAfter) / dayPage.result.requests,
      },
      {
        label: 'app CPU / month calendar',
        seconds: (calendar.usage.appCpu + calendar.usage.appCpuAfter) / calendar.result.requests,
      },
    ],
    errors: errorCount(dayPage.result.statuses) + errorCount(calendar.result.statuses),
    oversold: integrity.oversold,
    drift: integrity.drift,
  };
}
