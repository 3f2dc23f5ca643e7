// Scenario 2, the opening minute through the pages, as a phone books: the day page, the slot's
// booking form (which sets the CSRF cookie and carries the token and an idempotency key), the
// form posted, the redirect followed to the confirmation page. Told "full" (409, the form
// shown again with the message), the phone goes back to the day page and picks another slot
// offered there, once; a day page that offers none ends the visit. Then the cost of a "full"
// answer alone: forms posted for slots that are already full.
import { randomBytes } from 'node:crypto';
import { freshCouples, integrityOf, outboxCount } from './bench-data.ts';
import { type Requester, runClients } from './http-load.ts';
import { errorCount, measured } from './measure.ts';
import { openingDay, visitsMeasured } from './opening-api.ts';
import { bookableStarts, bookingForm, hiddenField, Phone } from './phone.ts';
import { loadRows, ms, type ScenarioReport, statusList } from './report.ts';
import type { ScenarioContext } from './scenario.ts';

export async function openingPages(ctx: ScenarioContext): Promise<ScenarioReport> {
  const couples = freshCouples(ctx.couples);
  const outboxBefore = await outboxCount();
  const day = await openingDay(ctx, 'bench-opening-pages');
  const dayPath = `/offices/${day.slug}/days/${day.date}`;
  const tally = { booked: 0, fullAnswers: 0, dayShownFull: 0, other: 0 };
  const confirmationPages: string[] = [];

  /** The form of one slot, posted; 'booked', 'full' or 'other'. */
  async function tryStart(phone: Phone, c: number, start: string) {
    const page = await phone.get(`${dayPath}/book?start=${start}`, 'booking form');
    const csrf = hiddenField(page.body, '_csrf');
    const idempotencyKey = hiddenField(page.body, 'idempotencyKey');
    if (page.status !== 200 || !csrf || !idempotencyKey) return 'other';
    const sent = await phone.post(
      `${dayPath}/book`,
      bookingForm(couples[c]!, { start, csrf, idempotencyKey }),
      'form posted',
    );
    if (sent.status === 409) return 'full';
    const location = sent.headers.location;
    if (sent.status !== 303 || !location) return 'other';
    const confirmation = await phone.get(location, 'confirmation');
    if (confirmation.status !== 200) return 'other';
    confirmationPages.push(location);
    return 'booked';
  }

  const opening = await visitsMeasured(ctx, couples.length, async (c, request) => {
    const phone = new Phone(request);
    const tried = new Set<string>();
    for (let attempt = 0; attempt < 2; attempt++) {
      const page = await phone.get(dayPath, 'day page');
      const offered = bookableStarts(page.body).filter((s) => !tried.has(s));
      if (page.status !== 200) {
        tally.other += 1;
        return;
      }
      if (offered.length === 0) {
        tally.dayShownFull += 1;
        return;
      }
      const start = offered[Math.floor(Math.random() * offered.length)]!;
      const outcome = await tryStart(phone, c, start);
      if (outcome === 'booked') tally.booked += 1;
      else if (outcome === 'other') tally.other += 1;
      if (outcome !== 'full') return;
      tally.fullAnswers += 1;
      tried.add(start);
    }
  });
  const { seconds, recorder } = opening.value;
  const all = recorder.result(seconds);
  const integrity = await integrityOf(day);
  const confirmations = (await outboxCount()) - outboxBefore;

  // "Full" alone: each client's phone has the form page (token and cookie) of a slot that is
  // full, and posts it again and again, each time for a couple not seen yet.
  const forms: { phone: Phone; start: string; csrf: string }[] = [];
  await runClients({
    port: ctx.app.port,
    clients: ctx.clients,
    durationMs: 60_000,
    step: async (client, _i, request) => {
      const phone = new Phone(request);
      const start = day.starts[client % day.starts.length]!;
      const page = await phone.get(`${dayPath}/book?start=${start}`, 'form page');
      forms[client] = { phone, start, csrf: hiddenField(page.body, '_csrf') ?? '' };
      return false;
    },
  });
  const late = freshCouples(ctx.clients * 200);
  /** A part measured apart: every client's steps for the time of the "full" phase, and their cost. */
  const measuredPart = async (
    part: string,
    step: (client: number, i: number, request: Requester) => Promise<boolean>,
  ) => {
    await ctx.part(part);
    const run = await measured(ctx.app, () =>
      runClients({ port: ctx.app.port, clients: ctx.clients, durationMs: ctx.fullPhaseMs, step }),
    );
    return { result: run.value.recorder.result(run.value.seconds), usage: run.usage };
  };
  const full = await measuredPart('full', async (client, i, request) => {
    const c = i * ctx.clients + client;
    const form = forms[client];
    if (c >= late.length || !form) return false;
    const idempotencyKey = randomBytes(18).toString('base64url');
    await form.phone
      .rebind(request)
      .post(`${dayPath}/book`, bookingForm(late[c]!, { ...form, idempotencyKey }), 'form posted');
    return true;
  });
  const posted = full.result;
  const cpuFull = (full.usage.appCpu + full.usage.appCpuAfter) / posted.requests;
  // The pages a couple sees around the post, each alone: the form opened again and again (its
  // token and key are new each time), and the confirmation pages of the couples booked.
  const pageAlone = async (
    part: string,
    label: string,
    path: (client: number, i: number) => string | undefined,
  ) => {
    const { result, usage } = await measuredPart(part, async (client, i, request) => {
      const form = forms[client];
      const target = path(client, i);
      if (!form || !target) return false;
      await form.phone.rebind(request).get(target, label);
      return true;
    });
    return { rows: loadRows(`${label} alone`, result, usage), errors: errorCount(result.statuses) };
  };
  const formPage = await pageAlone(
    'form',
    'form page',
    (client) => `${dayPath}/book?start=${forms[client]?.start}`,
  );
  const confirmationPage = await pageAlone(
    'confirmation',
    'confirmation page',
    (client, i) => confirmationPages[(i * ctx.clients + client) % Math.max(1, confirmationPages.length)],
  );
  const steps = recorder.labels().map((label): [string, string] => {
    const r = recorder.result(seconds, label);
    return [`  ${label}`, `${r.requests} (${statusList(r.statuses)}), p50 / p99 ${ms(r)}`];
  });
  return {
    title: `2. Opening minute through the pages: ${couples.length} couples for ${day.places} places`,
    rows: [
      ['couples served', `${opening.value.served} of ${couples.length}`],
      ['booked (confirmation page shown)', String(tally.booked)],
      ['"full" answers to a posted form', String(tally.fullAnswers)],
      ['day page offered no slot (gave up)', String(tally.dayShownFull)],
      ['other answers', String(tally.other)],
      ['bookings stored / places', `${integrity.booked} / ${day.places}`],
      ['confirmations in the outbox', `${confirmations} for ${tally.booked} bookings`],
      ...loadRows('all requests', all, opening.usage),
      ['by step', ''],
      ...steps,
      ...loadRows('"full" alone (form posted)', posted, full.usage),
      ...formPage.rows,
      ...confirmationPage.rows,
    ],
    rates: [{ label: 'opening page requests', result: all, aim: 0.25, p99AimMs: 250 }],
    cpu: [{ label: 'app CPU / "full" answer (form)', seconds: cpuFull, aim: 2 }],
    errors:
      errorCount(all.statuses) + errorCount(posted.statuses) + formPage.errors + confirmationPage.errors,
    oversold: integrity.oversold,
    drift: integrity.drift,
  };
}
