// The private manage link and the reference: a token is 256 random bits stored only as a
// hash; a wrong token gets the same 404 as any other wrong token; a reference alone opens
// nothing and does not even say whether it exists; guessing the phone digits is rate limited.
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import mongoose from 'mongoose';
import request from 'supertest';
import { translate } from '../../src/i18n/translate.ts';
import { couple } from '../helpers/ids.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z';
const DAY = '2026-08-10';

/** A page without what legitimately differs between two answers (CSRF tokens, request ids). */
function comparable(html: string): string {
  const $ = cheerio.load(html);
  $('input[name=_csrf]').remove();
  // The language switch links back to the page asked for (here, the wrong token itself).
  $('a.lang-switch').removeAttr('href');
  return $.html();
}

describe('security: manage tokens and references', function () {
  this.timeout(30_000);
  let server: RunningServer;
  let officeId: string;

  beforeEach(async () => {
    await resetDatabase();
    server = await startTestServer({ now: NOW });
    officeId = (await createOffice())._id.toString();
  });
  afterEach(async () => {
    await server?.close();
  });

  let made = 0;
  const book = (c = couple(), key?: string) => {
    const req = request(server.url).post('/api/v1/appointments');
    if (key) req.set('Idempotency-Key', key);
    // A slot takes 12 couples: spread the bookings over the morning.
    const start = `${String(9 + (Math.floor(made / 2) % 3)).padStart(2, '0')}:${made % 2 ? '30' : '00'}`;
    made += 1;
    return req.send({ officeId, date: DAY, start, ...c });
  };

  it('a token is 256 random bits, different for every booking, and only its hash is stored', async () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const res = await book().expect(201);
      const token = res.body.manageToken as string;
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(token, 'base64url').length, 32, '32 bytes = 256 bits');
      tokens.add(token);
    }
    assert.equal(tokens.size, 20);
    // No bit position is stuck (a weak generator would show here).
    const bits = [...tokens].map((t) =>
      [...Buffer.from(t, 'base64url')].map((b) => b.toString(2).padStart(8, '0')).join(''),
    );
    for (let i = 0; i < 256; i++) {
      const ones = bits.filter((b) => b[i] === '1').length;
      assert.ok(ones > 0 && ones < 20, `bit ${i} is always ${ones ? 1 : 0}`);
    }
    const dump = JSON.stringify(await mongoose.connection.db!.collection('appointments').find({}).toArray());
    for (const t of tokens) assert.ok(!dump.includes(t), 'a token is stored in clear');
  });

  it('wrong tokens — random, truncated, one character off, another booking’s with this reference — all get the same 404', async () => {
    const a = (await book().expect(201)).body;
    const b = (await book().expect(201)).body;
    const token = a.manageToken as string;
    const flip = (t: string, i: number) => t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
    const wrong = [
      'x'.repeat(43),
      Buffer.alloc(32).toString('base64url'),
      token.slice(0, 42),
      `${token}A`,
      flip(token, 0),
      flip(token, 42),
      token.toLowerCase() === token ? token.toUpperCase() : token.toLowerCase(),
    ];
    const pages = new Set<string>();
    for (const [i, w] of wrong.entries()) {
      for (const suffix of ['', '/confirmation', '/move', '/calendar.ics']) {
        const res = await request(server.url).get(`/booking/${w}${suffix}`);
        assert.equal(res.status, 404, `${w}${suffix}`);
        assert.ok(!res.text.includes(a.reference), 'a 404 shows nothing of the booking');
        if (!suffix) pages.add(comparable(res.text));
      }
      const api = await request(server.url)
        .get(`/api/v1/appointments/${a.reference}`)
        // Each guess from its own address: many from one address answer 429 instead.
        .set('X-Forwarded-For', `192.0.2.${i + 1}`)
        .set('Authorization', `Bearer ${w}`);
      assert.equal(api.status, 404);
    }
    assert.equal(pages.size, 1, 'every wrong token gets the same page');
    // Another booking's valid token does not open this reference through the API.
    const crossed = await request(server.url)
      .get(`/api/v1/appointments/${a.reference}`)
      .set('Authorization', `Bearer ${b.manageToken}`);
    assert.equal(crossed.status, 404);
    assert.deepEqual(
      crossed.body,
      (
        await request(server.url)
          .get('/api/v1/appointments/ZZZZ-ZZZZ')
          .set('Authorization', `Bearer ${b.manageToken}`)
      ).body,
    );
    await request(server.url).get(`/booking/${token}`).expect(200);
  });

  it('a retried booking’s idempotency key does not hand someone else the booking', async () => {
    const key = 'shared-key-0000000001';
    const owner = couple();
    const first = await book(owner, key).expect(201);
    // The same couple retrying gets its booking back (that is what the key is for)...
    const retry = await book(owner, key).expect(200);
    assert.equal(retry.body.manageToken, first.body.manageToken);
    // ...but anyone else presenting the key (guessed, or a predictable one) gets nothing.
    const stranger = await book(couple(), key);
    assert.ok(
      stranger.status >= 400 && stranger.status < 500,
      `a stranger with the key got ${stranger.status}`,
    );
    assert.equal(stranger.body.manageToken, undefined, 'the stranger was handed the manage token');
    assert.ok(!stranger.text.includes(first.body.reference));
  });

  it('a reference without the right phone digits opens nothing and does not tell whether it exists', async () => {
    const c = couple();
    const a = (await book(c).expect(201)).body;
    const agent = request.agent(server.url);
    const csrf = String(
      cheerio
        .load((await agent.get('/lookup').expect(200)).text)('input[name=_csrf]')
        .val(),
    );
    const wrongDigits = await agent
      .post('/lookup')
      .type('form')
      .send({ _csrf: csrf, reference: a.reference, phoneLast4: '0000' });
    const noSuchRef = await agent
      .post('/lookup')
      .type('form')
      .send({ _csrf: csrf, reference: 'ZZZZ-ZZZZ', phoneLast4: '0000' });
    assert.equal(wrongDigits.status, 404);
    assert.equal(noSuchRef.status, 404);
    const msg = (res: request.Response) => cheerio.load(res.text)('[role=alert]').text();
    assert.equal(msg(wrongDigits), msg(noSuchRef), 'the same message whether or not the reference exists');
    assert.equal(msg(wrongDigits), translate('zh-CN', 'booking.lookup_failed'));
    // The API without a token: the same for an existing and a made-up reference.
    const existing = await request(server.url).get(`/api/v1/appointments/${a.reference}`);
    const madeUp = await request(server.url).get('/api/v1/appointments/ZZZZ-ZZZZ');
    assert.equal(existing.status, 404);
    assert.deepEqual(existing.body, madeUp.body);
    // The look-up cookie cannot be forged: unsigned, or signed for something else.
    const forged = await request(server.url).get('/booking/r').set('Cookie', `appt=${a.reference}`);
    assert.equal(forged.status, 404);
    const tampered = await request(server.url)
      .get('/booking/r')
      .set('Cookie', 'appt=s%3A000000000000000000000000.invalidsignature');
    assert.equal(tampered.status, 404);
  });

  it('guessing the phone digits of one reference is stopped after 5 tries from an address, even the right digits, with a localized 429', async () => {
    const c = couple();
    const a = (await book(c).expect(201)).body;
    const agent = request.agent(server.url);
    const csrf = String(
      cheerio
        .load((await agent.get('/lookup').expect(200)).text)('input[name=_csrf]')
        .val(),
    );
    for (let i = 0; i < 5; i++) {
      // The reference typed in different ways is still the same reference to the limit.
      const typed = i % 2 ? a.reference.toLowerCase() : ` ${a.reference.replace('-', ' ')} `;
      const res = await agent
        .post('/lookup')
        .type('form')
        .send({ _csrf: csrf, reference: typed, phoneLast4: String(1000 + i) });
      assert.equal(res.status, 404, `try ${i + 1}`);
    }
    const right = c.partners[0]!.phone.slice(-4);
    const blocked = await agent
      .post('/lookup?lang=en')
      .type('form')
      .send({ _csrf: csrf, reference: a.reference, phoneLast4: right });
    assert.equal(blocked.status, 429);
    assert.ok(
      cheerio.load(blocked.text)('[role=alert]').text().includes(translate('en', 'booking.rate_limited')),
    );
    assert.ok(Number(blocked.headers['retry-after']) > 0, 'the client is told when to come back');
    // Another browser at the same address is limited too: the limit follows the address.
    const other = request.agent(server.url);
    const csrf2 = String(
      cheerio
        .load((await other.get('/lookup').expect(200)).text)('input[name=_csrf]')
        .val(),
    );
    const again = await other
      .post('/lookup')
      .type('form')
      .send({ _csrf: csrf2, reference: a.reference, phoneLast4: right });
    assert.equal(again.status, 429);
    assert.match(
      cheerio.load(again.text)('[role=alert]').text(),
      new RegExp(translate('zh-CN', 'booking.rate_limited')),
    );
    // The couple, at its own address, is not kept out by the guesser's failures.
    const owner = await other
      .post('/lookup')
      .set('X-Forwarded-For', '198.51.100.7')
      .type('form')
      .send({ _csrf: csrf2, reference: a.reference, phoneLast4: right });
    assert.equal(owner.status, 303);
  });
});
