// A phone posts its form again and again on a peak morning, with the same cookies: whether its
// CSRF token is signed for its visitor is worked out once and kept (middleware/csrf.ts). Only a
// pair that passed is kept, under its whole token: a forged token, a token that is not its
// cookie, another visitor's token, or a token checked under another secret is refused as ever.
import * as cheerio from 'cheerio';
import request from 'supertest';
import { formFields } from '../helpers/forms.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, createOffice, resetDatabase, TEST_SECRET, type TestApp } from '../helpers/test-app.ts';
import { fullNineOClock } from '../helpers/verified-day.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Mon 10:00 in Chengdu
const DAY = '2026-08-10';
const BOOK_PATH = `/offices/jinjiang/days/${DAY}/book`;
const OTHER_SECRET = 'another-secret-0123456789-abcdefghijklm';

/** The Cookie header a form page set, and its CSRF token. */
async function formPage(t: TestApp) {
  const res = await request(t.app).get(`${BOOK_PATH}?start=09:00`).expect(200);
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const jar = new Map(set.map((line) => line.split(';')[0]!).map((p) => [p.slice(0, p.indexOf('=')), p]));
  return { jar, csrf: String(cheerio.load(res.text)('input[name=_csrf]').val()) };
}

const header = (jar: Map<string, string>) => [...jar.values()].join('; ');

describe('checks a phone repeats', () => {
  let t: TestApp;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    await fullNineOClock((await createOffice())._id, DAY);
  });

  const post = (app: TestApp, cookie: string, csrf: string) => {
    const c = couple();
    return request(app.app)
      .post(BOOK_PATH)
      .set('Cookie', cookie)
      .type('form')
      .send({
        _csrf: csrf,
        start: '09:00',
        ...formFields({ partners: c.partners }),
        email: c.email,
        language: 'zh-CN',
      });
  };

  it('a form posted again and again passes its CSRF check each time; a forged token after it does not', async () => {
    const { jar, csrf } = await formPage(t);
    for (let i = 0; i < 3; i++) await post(t, header(jar), csrf).expect(409);
    // The signature changed in both places (a double submit that matches, but not signed).
    const [hmac, random] = csrf.split('.') as [string, string];
    const forged = `${hmac.slice(0, -1)}${hmac.endsWith('0') ? '1' : '0'}.${random}`;
    const forgedJar = new Map(jar).set('csrf', `csrf=${forged}`);
    await post(t, header(forgedJar), forged).expect(403);
    // The token sent is not its cookie.
    await post(t, header(jar), `${csrf}x`).expect(403);
    // The same pair still passes.
    await post(t, header(jar), csrf).expect(409);
  });

  it("a token checked for one visitor is refused with another visitor's id", async () => {
    const mine = await formPage(t);
    const theirs = await formPage(t);
    await post(t, header(mine.jar), mine.csrf).expect(409);
    const swapped = new Map(mine.jar).set('vid', theirs.jar.get('vid')!);
    await post(t, header(swapped), mine.csrf).expect(403);
  });

  it('a token checked under one secret is refused by an app without it, in the same process', async () => {
    const { jar, csrf } = await formPage(t);
    await post(t, header(jar), csrf).expect(409);
    const other = await buildTestApp({ now: NOW, secrets: { secret: OTHER_SECRET } });
    await post(other, header(jar), csrf).expect(403);
    // Rotated: the earlier secret still verifies.
    const rotated = await buildTestApp({
      now: NOW,
      secrets: { secret: OTHER_SECRET, previousSecrets: [TEST_SECRET] },
    });
    await post(rotated, header(jar), csrf).expect(409);
  });
});
