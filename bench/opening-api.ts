// Scenario 1, the opening minute through the JSON API: a peak day whose booking opens at a set
// moment, ten times more couples than places, all of them sending POST /api/v1/appointments
// from that moment on (through BENCH_CLIENTS connections), each trying once more on another
// slot when told the first is full (409 slot_full). Then the cost of a "full" answer alone:
// more couples asking for the slots once every place is gone.
import {
  apiBooking,
  type BenchPartner,
  freshCouples,
  integrityOf,
  outboxCount,
  type PeakDay,
  seedPeakDay,
} from './bench-data.ts';
import { type Requester, type RequestSpec, runClients, runLoad } from './http-load.ts';
import { errorCount, measured } from './measure.ts';
import { loadRows, micros, type ScenarioReport } from './report.ts';
import type { ScenarioContext } from './scenario.ts';

/** Ten slots (09:00-12:00, 13:00-15:00) sharing the places. */
export const OPENING_SESSIONS = [
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '15:00' },
];

/** The opening moment: a few seconds ahead, so that every client is waiting for it. */
export async function openingDay(
  ctx: ScenarioContext,
  slug: string,
  plan: { requireVerifiedPhone?: boolean } = {},
): Promise<PeakDay> {
  const opensAt = new Date(Date.now() + 3000);
  const day = await seedPeakDay({
    ...plan,
    slug,
    sessions: OPENING_SESSIONS,
    quota: Math.max(1, Math.round(ctx.couples / 10 / 10)),
    opensAt,
  });
  await new Promise((resolve) => setTimeout(resolve, opensAt.getTime() - Date.now() + 20));
  return day;
}

/**
 * Every couple's visit, each taken up by the next free client from the opening moment on,
 * measured; `served` falls short of `count` only if the opening's time ran out.
 */
export function visitsMeasured(
  ctx: ScenarioContext,
  count: number,
  visit: (c: number, request: Requester) => Promise<void>,
) {
  let next = 0;
  return measured(ctx.app, async () => {
    const run = await runClients({
      port: ctx.app.port,
      clients: ctx.clients,
      durationMs: ctx.openingCapMs,
      step: async (_client, _i, request) => {
        const c = next++;
        if (c >= count) return false;
        await visit(c, request);
        return true;
      },
    });
    return { ...run, served: Math.min(next, count) };
  });
}

/**
 * A part measured apart (the "full" answers alone, the codes alone): the `c`-th request of
 * `spec`, c = 0, 1, 2... across the clients, for up to fullPhaseMs or until `spec` has none.
 */
export function partMeasured(ctx: ScenarioContext, spec: (c: number) => RequestSpec | null) {
  return measured(ctx.app, () =>
    runLoad({
      port: ctx.app.port,
      clients: ctx.clients,
      durationMs: ctx.fullPhaseMs,
      next: (client, i) => spec(i * ctx.clients + client),
    }),
  );
}

/** Another slot than `i`, at random. */
export const otherSlot = (i: number, n: number) => (i + 1 + Math.floor(Math.random() * (n - 1))) % n;

export async function openingApi(ctx: ScenarioContext): Promise<ScenarioReport> {
  const couples = freshCouples(ctx.couples);
  const outboxBefore = await outboxCount();
  const day = await openingDay(ctx, 'bench-opening-api');
  const book = (partners: [BenchPartner, BenchPartner], slot: number) =>
    apiBooking(day, day.starts[slot]!, partners);
  const isFull = (status: number, text: string) => status === 409 && text.includes('slot_full');
  const tally = { bookedFirst: 0, bookedRetry: 0, fullTwice: 0, other: 0 };
  const opening = await visitsMeasured(ctx, couples.length, async (c, request) => {
    const first = Math.floor(Math.random() * day.starts.length);
    const one = await request(book(couples[c]!, first));
    if (one.status === 201) tally.bookedFirst += 1;
    else if (!isFull(one.status, one.body)) tally.other += 1;
    else {
      const slot = otherSlot(first, day.starts.length);
      const two = await request(book(couples[c]!, slot));
      if (two.status === 201) tally.bookedRetry += 1;
      else if (isFull(two.status, two.body)) tally.fullTwice += 1;
      else tally.other += 1;
    }
  });
  const all = opening.value.recorder.result(opening.value.seconds);
  const booked = tally.bookedFirst + tally.bookedRetry;
  const fullAnswers = all.requests - booked - tally.other;
  const integrity = await integrityOf(day);
  const confirmations = (await outboxCount()) - outboxBefore;

  // "Full" alone: every place is gone, each request a couple not seen yet.
  const late = freshCouples(ctx.clients * 200);
  await ctx.part('full');
  const full = await partMeasured(ctx, (c) =>
    c < late.length ? book(late[c]!, c % day.starts.length) : null,
  );
  const cpuFull = (full.usage.appCpu + full.usage.appCpuAfter) / full.value.requests;
  const cpuAll = opening.usage.appCpu + opening.usage.appCpuAfter;
  const cpuBooking = (cpuAll - fullAnswers * cpuFull) / booked;
  return {
    title: `1. Opening minute through the API: ${couples.length} couples for ${day.places} places, opening at once`,
    rows: [
      ['couples served', `${opening.value.served} of ${couples.length}`],
      ['booked first try / on the retry', `${tally.bookedFirst} / ${tally.bookedRetry}`],
      ['full twice (gave up)', String(tally.fullTwice)],
      ['other answers (not 201, not full)', String(tally.other)],
      ['bookings stored / places', `${integrity.booked} / ${day.places}`],
      ['confirmations in the outbox', `${confirmations} for ${booked} bookings`],
      ...loadRows('all requests', all, opening.usage),
      ['app CPU / booking (all less the full answers)', micros(cpuBooking)],
      ...loadRows('"full" alone', full.value, full.usage),
    ],
    rates: [{ label: 'opening requests', result: all, aim: 0.25, p99AimMs: 250 }],
    cpu: [
      { label: 'app CPU / "full" answer', seconds: cpuFull, aim: 2 },
      { label: 'app CPU / booking', seconds: cpuBooking },
    ],
    errors: errorCount(all.statuses) + errorCount(full.value.statuses),
    oversold: integrity.oversold,
    drift: integrity.drift,
  };
}
