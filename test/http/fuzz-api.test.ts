// Bad input to the JSON API, generated: create, availability, read, cancel and move. Whatever
// is sent, the answer is JSON with a status below 500; a rejection carries an error code and
// a message in the requested language; a rejected request leaves the database as it was.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import request from 'supertest';
import { couple, residentId } from '../helpers/ids.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';
import {
  assertCountersConsistent,
  assertSameDb,
  FUZZ_RUNS,
  mutated,
  nastyJson,
  nastyString,
  pathsOf,
  rawBody,
  rejectionMessage,
  snapshotDb,
} from './fuzz-support.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Monday 10:00 in Chengdu
const DAY = '2026-08-10';

describe('bad input to the JSON API (generated)', function () {
  this.timeout(120_000);
  let server: RunningServer;
  let officeId: string;
  let reference: string;
  let auth: string;

  before(async () => {
    await resetDatabase();
    server = await startTestServer({ now: NOW });
    officeId = (await createOffice())._id.toString();
    const created = await request(server.url)
      .post('/api/v1/appointments')
      .send({ officeId, date: DAY, start: '10:00', ...couple() })
      .expect(201);
    reference = created.body.reference;
    auth = `Bearer ${created.body.manageToken}`;
  });
  after(async () => {
    await server?.close();
  });

  async function probe(send: () => Promise<request.Response>) {
    const before = await snapshotDb();
    const res = await send();
    assert.ok(res.status < 500, `answered ${res.status}: ${res.text.slice(0, 300)}`);
    assert.equal(res.type, 'application/json', `answered ${res.type}, not JSON`);
    if (res.status < 400) {
      await assertCountersConsistent();
      return res;
    }
    const message = rejectionMessage(res);
    if (res.request.getHeader?.('Accept-Language') === 'en')
      assert.doesNotMatch(message, /[\u4e00-\u9fff]/, 'an English error in Chinese');
    assertSameDb(before, await snapshotDb(), `a rejected request (${res.status})`);
    return res;
  }

  const validBody = fc
    .record({
      n: fc.integer({ min: 1, max: 490 }),
      m: fc.integer({ min: 1, max: 9 }),
      lang: fc.constantFrom('zh-CN', 'en'),
    })
    .map(({ n, m, lang }) => {
      const c = couple();
      c.partners[0]!.idNumber = residentId(`1991-0${m}-1${m}`, 'male', n);
      c.partners[1]!.idNumber = residentId(`1993-0${m}-2${m}`, 'female', n);
      return {
        officeId,
        date: DAY,
        start: '09:00',
        partners: c.partners,
        email: c.email,
        language: lang,
      } as Record<string, unknown>;
    });

  it('create: mutated bodies are booked whole or refused with nothing written', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        validBody.chain((b) => mutated(b, pathsOf(b))),
        fc.constantFrom('zh-CN', 'en'),
        fc.option(nastyString, { nil: undefined }),
        async (body, lang, key) => {
          const res = await probe(() => {
            const req = request(server.url).post('/api/v1/appointments').set('Accept-Language', lang);
            if (key !== undefined) req.set('Idempotency-Key', encodeURIComponent(key).slice(0, 200) || 'x');
            return req.send(body);
          });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 201) assert.match(res.body.manageToken, /^[A-Za-z0-9_-]{43}$/);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    assert.ok((statuses.get(422) ?? 0) > 0, `statuses seen: ${JSON.stringify([...statuses])}`);
  });

  it('create: any JSON value, and bodies that are not JSON at all', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(nastyJson, rawBody),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        async (body, type) => {
          await probe(() =>
            request(server.url)
              .post('/api/v1/appointments')
              .set('Content-Type', type)
              .send(typeof body === 'string' ? body : JSON.stringify(body)),
          );
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('availability: any office id and range', async () => {
    const param = fc.oneof(nastyString, fc.constant(DAY));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(officeId), nastyString),
        param,
        param,
        async (office, from, to) => {
          const q = new URLSearchParams({ from, to });
          await probe(() =>
            request(server.url).get(`/api/v1/offices/${encodeURIComponent(office) || 'x'}/availability?${q}`),
          );
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('read, cancel and move: guessed references and tokens find nothing and change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(reference), nastyString),
        fc.oneof(
          nastyString,
          fc.constant(auth.slice(0, -1)),
          fc.constant(`${auth}x`),
          fc.constant(auth.replace('Bearer ', 'Basic ')),
        ),
        fc.constantFrom('get', 'cancel', 'move'),
        nastyJson,
        async (ref, authorization, action, body) => {
          const path = `/api/v1/appointments/${encodeURIComponent(ref) || 'x'}`;
          const res = await probe(() => {
            const req =
              action === 'get'
                ? request(server.url).get(path)
                : request(server.url)
                    .post(`${path}/${action}`)
                    .send(JSON.stringify(body))
                    .set('Content-Type', 'application/json');
            // Header values are Latin-1 on the wire: a client cannot send anything else.
            return req.set('Authorization', authorization.replace(/[^\x20-\x7e]/g, '?'));
          });
          assert.ok([400, 404, 413, 422, 429].includes(res.status), `a guess answered ${res.status}`);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('move with the right token: hostile targets are refused whole', async () => {
    // Calls per reference are limited (10 in 15 minutes), so the runs take turns over bookings.
    const bookings: { reference: string; auth: string }[] = [];
    for (let i = 0; i < Math.ceil(FUZZ_RUNS / 8); i++) {
      const start = `${String(9 + (i % 3)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`;
      const made = await request(server.url)
        .post('/api/v1/appointments')
        .send({ officeId, date: '2026-08-13', start, ...couple() })
        .expect(201);
      bookings.push({ reference: made.body.reference, auth: `Bearer ${made.body.manageToken}` });
    }
    const base = { date: '2026-08-11', start: '14:00' };
    let run = 0;
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(mutated(base, pathsOf(base)), async (body) => {
        const b = bookings[Math.floor(run++ / 8) % bookings.length]!;
        const res = await probe(() =>
          request(server.url)
            .post(`/api/v1/appointments/${b.reference}/move`)
            .set('Authorization', b.auth)
            .send(body),
        );
        seen.add(res.status);
      }),
      { numRuns: FUZZ_RUNS },
    );
    assert.ok(!seen.has(429) || seen.size > 1, 'the runs reached the move, not only the rate limit');
  });
});
