// Bad input to the couple's pages, generated: the booking form, the look-up, move and cancel,
// and every page that reads a path segment or a query parameter. Whatever is sent, the answer
// is a page (or a redirect), never a 5xx; a rejection says why in the visitor's language;
// and a rejected request leaves the database exactly as it was.
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import fc from 'fast-check';
import request from 'supertest';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { couple, residentId } from '../helpers/ids.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';
import {
  assertCountersConsistent,
  assertSameDb,
  FUZZ_RUNS,
  mutated,
  nastyString,
  pathsOf,
  rawBody,
  rejectionMessage,
  snapshotDb,
} from './fuzz-support.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Monday 10:00 in Chengdu
const DAY = '2026-08-10';
const BOOK = `/offices/jinjiang/days/${DAY}/book`;

/** A valid form for a couple with fresh ID numbers (keyed rate limits never trip on the base). */
const validForm = fc
  .record({
    n: fc.integer({ min: 1, max: 490 }),
    m: fc.integer({ min: 1, max: 9 }),
    lang: fc.constantFrom('zh-CN', 'en'),
  })
  .map(({ n, m, lang }) => {
    const c = couple();
    c.partners[0]!.idNumber = residentId(`1990-0${m}-1${m}`, 'male', n);
    c.partners[1]!.idNumber = residentId(`1992-0${m}-2${m}`, 'female', n);
    return {
      start: '09:00',
      partners: c.partners.map((p) => ({ ...p, birthDate: '', sex: '' })),
      email: c.email,
      language: lang,
      idempotencyKey: `fuzz-${n}-${m}-${Date.now().toString(36)}`.padEnd(16, 'x'),
    } as Record<string, unknown>;
  });

const formPayload = validForm.chain((form) => mutated(form, pathsOf(form)));

describe('bad input to the couple’s pages (generated)', function () {
  this.timeout(120_000);
  let server: RunningServer;
  let agent: ReturnType<typeof request.agent>;
  let csrf: string;
  let manageToken: string;
  let reference: string;

  before(async () => {
    await resetDatabase();
    server = await startTestServer({ now: NOW });
    const office = await createOffice();
    await DayPlanModel.create({
      office: office._id,
      date: '2026-08-12',
      kind: 'closed',
      label: { zh: '闭馆', en: 'Closed' },
    });
    const booked = await server.container.services.booking.book({
      officeId: office._id.toString(),
      date: DAY,
      start: '10:00',
      partners: couple().partners,
      email: 'held@example.com',
      language: 'zh-CN',
      channel: 'online',
    });
    manageToken = booked.manageToken;
    reference = booked.appointment.reference;
    agent = request.agent(server.url);
    const page = await agent.get(`${BOOK}?start=09:00`).expect(200);
    csrf = String(cheerio.load(page.text)('input[name=_csrf]').val());
  });
  after(async () => {
    await server?.close();
  });

  /**
   * Sends one request and checks the rule: < 500; a rejection carries a localized message and
   * changed nothing; a success leaves the counters consistent. `succeeded` tells a success
   * from a rejection for routes that redirect either way.
   */
  async function probe(
    send: () => Promise<request.Response>,
    succeeded: (res: request.Response) => boolean = (res) => res.status < 400,
  ) {
    const before = await snapshotDb();
    const res = await send();
    assert.ok(res.status < 500, `answered ${res.status}: ${res.text.slice(0, 300)}`);
    if (succeeded(res)) {
      await assertCountersConsistent();
      return res;
    }
    if (res.status >= 400)
      rejectionMessage(res, res.type === 'text/html' ? cheerio.load(res.text) : undefined);
    assertSameDb(before, await snapshotDb(), `a rejected request (${res.status})`);
    return res;
  }

  it('the booking form: mutated submissions are booked whole or refused with nothing written', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(formPayload, fc.boolean(), async (form, english) => {
        const res = await probe(() =>
          agent
            .post(`${BOOK}${english ? '?lang=en' : ''}`)
            .type('form')
            .send({ ...form, _csrf: csrf }),
        );
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        if (res.status === 303)
          assert.match(String(res.headers.location), /^\/booking\/[A-Za-z0-9_-]{43}\/confirmation$/);
      }),
      { numRuns: FUZZ_RUNS },
    );
    // The generator reaches the service, not just the schema: some succeed, most are refused.
    assert.ok((seen.get(422) ?? 0) > 0, `statuses seen: ${JSON.stringify([...seen])}`);
  });

  it('the booking form: raw bodies no browser would send', async () => {
    await fc.assert(
      fc.asyncProperty(rawBody, async (raw) => {
        await probe(() =>
          agent
            .post(BOOK)
            .type('form')
            .send(`_csrf=${encodeURIComponent(csrf)}&${raw}`),
        );
      }),
      { numRuns: Math.ceil(FUZZ_RUNS / 3) },
    );
  });

  it('the look-up: references and phone digits of every shape', async () => {
    const base = { reference, phoneLast4: '0000' };
    await fc.assert(
      fc.asyncProperty(mutated(base, pathsOf(base)), async (form) => {
        // A look-up writes nothing, found or not.
        const res = await probe(
          () =>
            agent
              .post('/lookup')
              .type('form')
              .send({ ...form, _csrf: csrf }),
          () => false,
        );
        assert.ok([303, 404, 429].includes(res.status), `look-up answered ${res.status}`);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('move: hostile targets change nothing unless the move is whole', async () => {
    const base = { date: '2026-08-11', start: '14:00' };
    const manage = `/booking/${manageToken}`;
    await fc.assert(
      fc.asyncProperty(mutated(base, pathsOf(base)), async (form) => {
        await probe(
          () =>
            agent
              .post(`${manage}/move`)
              .type('form')
              .send({ ...form, _csrf: csrf }),
          // A refused move redirects back to the move page with a flash message.
          (res) => res.status === 303 && res.headers.location === manage,
        );
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('cancel and the manage pages: guessed and malformed tokens find nothing and change nothing', async () => {
    const token = fc.oneof(
      nastyString.filter((s) => s.length > 0),
      fc.string({
        unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
        minLength: 43,
        maxLength: 43,
      }),
    );
    await fc.assert(
      fc.asyncProperty(token, fc.constantFrom('cancel', 'move'), async (guess, action) => {
        const path = `/booking/${encodeURIComponent(guess)}`;
        const res = await probe(() =>
          agent.post(`${path}/${action}`).type('form').send({ _csrf: csrf, date: DAY, start: '11:00' }),
        );
        assert.ok([400, 404, 422].includes(res.status), `a guessed token answered ${res.status}`);
        const page = await probe(() => agent.get(path));
        assert.ok([400, 404].includes(page.status), `a guessed manage page answered ${page.status}`);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('every page that reads a path segment or a query parameter', async () => {
    const segment = fc.oneof(
      nastyString.map((s) => encodeURIComponent(s)),
      fc.constantFrom('%', '%E0%A4%A', '..%2f..%2f', '%00', '.', '..', 'jinjiang%2F..'),
    );
    const template = fc.constantFrom(
      (s: string) => `/offices/${s}`,
      (s: string) => `/offices/jinjiang?month=${s}`,
      (s: string) => `/offices/jinjiang?month=${s}&month=2026-09`,
      (s: string) => `/offices/jinjiang/days/${s}`,
      (s: string) => `/offices/${s}/days/${DAY}`,
      (s: string) => `/offices/jinjiang/days/${s}/book?start=09:00`,
      (s: string) => `${BOOK}?start=${s}`,
      (s: string) => `${BOOK}?start[]=${s}`,
      (s: string) => `/booking/${manageToken}/move?date=${s}`,
      (s: string) => `/booking/${s}/calendar.ics`,
      (s: string) => `/booking/${s}/confirmation`,
      (s: string) => `/?lang=${s}`,
      (s: string) => `/lookup?${s}`,
      (s: string) => `/${s}`,
    );
    await fc.assert(
      fc.asyncProperty(template, segment, async (make, s) => {
        await probe(() => agent.get(make(s)));
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
