// Scenario 1b, the opening minute on a day that asks for a verified phone (as the demo's Qixi
// does): each couple first asks for a code for its contact phone (POST
// /api/v1/verification-codes, 202), reads it where the app texted it (the development outbox:
// bench/code-inbox.ts), then books through POST /api/v1/appointments with it, once more on
// another slot when told "full" (the code is not spent on a full slot). Then, measured apart,
// the code requests alone and the "full" answers alone (couples holding a code).
//
// Every couple asks from an address of its own, as couples on their own phones do: the bench
// speaks to the app as the reverse proxy in front of it does (docs/deploy.md), with the
// couple's address in X-Forwarded-For, which the app believes of the loopback hop by default
// (TRUST_PROXY=loopback). From one address, the per-address allowance of codes would refuse
// all but the first few dozen couples, as it should.
import { apiBooking, type BenchPartner, freshCouples, integrityOf, outboxCount } from './bench-data.ts';
import { CodeInbox } from './code-inbox.ts';
import type { Reply, RequestSpec } from './http-load.ts';
import { errorCount, type Usage } from './measure.ts';
import { openingDay, otherSlot, partMeasured, visitsMeasured } from './opening-api.ts';
import { loadRows, micros, type ScenarioReport } from './report.ts';
import type { ScenarioContext } from './scenario.ts';

let addresses = 0;
/** A client address nobody in this run has used yet (10.0.0.1 onwards). */
export function freshAddress(): string {
  const n = ++addresses;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** POST /api/v1/verification-codes for the couple's contact phone (the first partner's), from `address`. */
export function codeRequest(partners: [BenchPartner, BenchPartner], address: string): RequestSpec {
  return {
    method: 'POST',
    path: '/api/v1/verification-codes',
    body: { phone: partners[0].phone, purpose: 'booking' },
    headers: { 'x-forwarded-for': address },
    label: 'code',
  };
}

/** A booking request carrying the code, from the couple's address. */
function withCode(spec: RequestSpec, code: string, address: string): RequestSpec {
  return {
    ...spec,
    body: { ...(spec.body as object), verificationCode: code },
    headers: { 'x-forwarded-for': address },
    label: 'booking',
  };
}

const isFull = (r: Reply) => r.status === 409 && r.body.includes('slot_full');

/** The app's database requests, less the benchmark's own reads of the outbox meanwhile. */
function lessReads(usage: Usage, inbox: CodeInbox, readsBefore: number): Usage {
  return { ...usage, databaseRequests: usage.databaseRequests - (inbox.reads - readsBefore) };
}

export async function openingVerified(ctx: ScenarioContext): Promise<ScenarioReport> {
  const couples = freshCouples(ctx.couples);
  const inbox = new CodeInbox();
  const outboxBefore = await outboxCount();
  const day = await openingDay(ctx, 'bench-opening-verified', { requireVerifiedPhone: true });
  const tally = { codeRefused: 0, noCode: 0, bookedFirst: 0, bookedRetry: 0, fullTwice: 0 };
  const refusedAtBooking = { code: 0, other: 0 };
  const opening = await visitsMeasured(ctx, couples.length, async (c, request) => {
    const partners = couples[c]!;
    const address = freshAddress();
    const asked = Date.now();
    const sent = await request(codeRequest(partners, address));
    if (sent.status !== 202) {
      tally.codeRefused += 1;
      return;
    }
    const code = await inbox.codeFor(partners[0].phone, asked);
    if (!code) {
      tally.noCode += 1;
      return;
    }
    const book = (slot: number) =>
      request(withCode(apiBooking(day, day.starts[slot]!, partners), code, address));
    const first = Math.floor(Math.random() * day.starts.length);
    const one = await book(first);
    const refused = (r: Reply) => {
      if (r.status === 422 && r.body.includes('verificationCode')) refusedAtBooking.code += 1;
      else refusedAtBooking.other += 1;
    };
    if (one.status === 201) tally.bookedFirst += 1;
    else if (!isFull(one)) refused(one);
    else {
      const two = await book(otherSlot(first, day.starts.length));
      if (two.status === 201) tally.bookedRetry += 1;
      else if (isFull(two)) tally.fullTwice += 1;
      else refused(two);
    }
  });
  const readsDuringOpening = inbox.reads;
  const waited = inbox.waitedMs;
  // The share of the clients' time spent reading texts: the benchmark's own polling of the
  // outbox (a code is stored before its 202 is answered), not time the app took.
  const waitShare = waited / (ctx.clients * opening.value.seconds * 1000);
  const openingUsage = lessReads(opening.usage, inbox, 0);
  const recorder = opening.value.recorder;
  const all = recorder.result(opening.value.seconds);
  const codes = recorder.result(opening.value.seconds, 'code');
  const bookings = recorder.result(opening.value.seconds, 'booking');
  const booked = tally.bookedFirst + tally.bookedRetry;
  const fullAnswers = bookings.statuses['409'] ?? 0;
  const integrity = await integrityOf(day);
  const messages = (await outboxCount()) - outboxBefore;

  // Code requests alone: new couples, each from its own address, for up to fullPhaseMs.
  const late = freshCouples(ctx.clients * 200).map((p) => ({ partners: p, address: freshAddress() }));
  await ctx.part('codes');
  const codesFrom = Date.now();
  const codesAlone = await partMeasured(ctx, (c) =>
    c < late.length ? codeRequest(late[c]!.partners, late[c]!.address) : null,
  );
  // "Full" alone: the same couples, each with its code, asking for the full slots, for as long
  // as the plain API's "full" is measured. A code is not spent on a full slot, so couples ask
  // again in turn once each has asked: a phase as short as the codes' few seconds gave would
  // share a collection or a cache's refresh among too few answers to say what one costs.
  const held = await inbox.codesSince(codesFrom);
  const holders = late.filter((l) => held.has(l.partners[0].phone));
  await ctx.part('full');
  const fullAlone = await partMeasured(ctx, (c) => {
    const h = holders[c % holders.length];
    if (!h) return null;
    const spec = apiBooking(day, day.starts[c % day.starts.length]!, h.partners);
    return withCode(spec, held.get(h.partners[0].phone)!, h.address);
  });
  const cpu = (u: Usage, requests: number) => (u.appCpu + u.appCpuAfter) / requests;
  const cpuCode = cpu(codesAlone.usage, codesAlone.value.requests);
  const cpuFull = cpu(fullAlone.usage, fullAlone.value.requests);
  const cpuAll = openingUsage.appCpu + openingUsage.appCpuAfter;
  const cpuBooking = (cpuAll - codes.requests * cpuCode - fullAnswers * cpuFull) / booked;
  return {
    title: `1b. Opening minute through the API, a verified phone required: ${couples.length} couples for ${day.places} places`,
    rows: [
      ['couples served', `${opening.value.served} of ${couples.length}`],
      ['codes refused / not in the outbox', `${tally.codeRefused} / ${tally.noCode}`],
      ['booked first try / on the retry', `${tally.bookedFirst} / ${tally.bookedRetry}`],
      ['full twice (gave up)', String(tally.fullTwice)],
      ['code refused at booking / other answers', `${refusedAtBooking.code} / ${refusedAtBooking.other}`],
      ['bookings stored / places', `${integrity.booked} / ${day.places}`],
      [
        'messages in the outbox (codes, confirmations)',
        `${messages} for ${codes.requests} codes, ${booked} bookings`,
      ],
      ['outbox reads by the benchmark (not counted)', String(readsDuringOpening)],
      [
        'clients waiting for a text: mean per couple, share',
        `${(waited / couples.length).toFixed(1)} ms, ${(100 * waitShare).toFixed(0)}% of the clients' time`,
      ],
      ...loadRows('all requests', all, openingUsage),
      [
        'code requests: requests/s, p50 / p99',
        `${codes.perSecond.toFixed(0)}, ${codes.p50.toFixed(1)} / ${codes.p99.toFixed(1)} ms`,
      ],
      [
        'bookings: requests/s, p50 / p99',
        `${bookings.perSecond.toFixed(0)}, ${bookings.p50.toFixed(1)} / ${bookings.p99.toFixed(1)} ms`,
      ],
      ['app CPU / booking (all less codes and full answers)', micros(cpuBooking)],
      ...loadRows('code requests alone', codesAlone.value, codesAlone.usage),
      ...loadRows('"full" alone (with a code)', fullAlone.value, fullAlone.usage),
    ],
    rates: [
      { label: 'opening requests', result: all, aim: 0.25, p99AimMs: 250 },
      {
        label: "opening requests, the phones' reading of texts left out",
        result: { ...all, perSecond: all.perSecond / (1 - waitShare) },
      },
      { label: 'code requests alone', result: codesAlone.value },
    ],
    cpu: [
      { label: 'app CPU / code request', seconds: cpuCode },
      { label: 'app CPU / "full" answer', seconds: cpuFull, aim: 2 },
      { label: 'app CPU / booking', seconds: cpuBooking },
    ],
    errors:
      errorCount(all.statuses) + errorCount(codesAlone.value.statuses) + errorCount(fullAlone.value.statuses),
    oversold: integrity.oversold,
    drift: integrity.drift,
  };
}
