// Markup typed by couples (names), entered by staff (peak-day labels and messages, office
// details) or put in a URL is shown as text, never interpreted: no script, no element, no
// event handler comes out of it. Pages are parsed and searched for anything injected.
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { formFields } from '../helpers/forms.ts';
import { couple } from '../helpers/ids.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z';
const DAY = '2026-08-10';

const SCRIPT = '<script>window.pwned=1</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const ATTR = "' autofocus onfocus='alert(1)";

/** Anything markup in data could have produced: inline scripts, images, event-handler attributes, javascript: links. */
function injected($: cheerio.CheerioAPI): string[] {
  const found: string[] = [];
  $('script').each((_i, el) => {
    const src = $(el).attr('src');
    if (src !== '/public/js/app.js') found.push(`script ${src ?? $(el).html()}`);
  });
  $('img, iframe, object, embed, svg').each((_i, el) => {
    found.push(`<${(el as { tagName: string }).tagName}>`);
  });
  $('*').each((_i, el) => {
    // The page's own error summary takes the focus after a refused submit: that autofocus is ours.
    const ownFocus = $(el).is('#error-summary[data-error-summary]');
    for (const name of Object.keys((el as { attribs?: Record<string, string> }).attribs ?? {})) {
      if (/^on/i.test(name) || (name === 'autofocus' && !ownFocus))
        found.push(`attribute ${name} on <${(el as { tagName: string }).tagName}>`);
    }
    const href = $(el).attr('href') ?? '';
    if (/^\s*javascript:/i.test(href)) found.push(`javascript: link ${href}`);
  });
  return found;
}

describe('security: markup in data is shown as text', function () {
  this.timeout(30_000);
  let server: RunningServer;

  beforeEach(async () => {
    await resetDatabase();
    server = await startTestServer({ now: NOW });
  });
  afterEach(async () => {
    await server?.close();
  });

  async function csrfAgent(path: string) {
    const agent = request.agent(server.url);
    const page = await agent.get(path).expect(200);
    return { agent, csrf: String(cheerio.load(page.text)('input[name=_csrf]').val()) };
  }

  it('couples’ names with markup: the confirmation, manage, move pages, the calendar file and the API', async () => {
    await createOffice();
    const c = couple();
    c.partners[0]!.name = SCRIPT;
    c.partners[1]!.name = IMG;
    const { agent, csrf } = await csrfAgent(`/offices/jinjiang/days/${DAY}/book?start=09:00`);
    const booked = await agent
      .post(`/offices/jinjiang/days/${DAY}/book`)
      .type('form')
      .send({
        _csrf: csrf,
        start: '09:00',
        ...formFields({ partners: c.partners }),
        email: c.email,
        language: 'zh-CN',
      });
    assert.equal(booked.status, 303, booked.text.slice(0, 300));
    const confirmation = String(booked.headers.location);
    const manage = confirmation.replace('/confirmation', '');
    for (const path of [confirmation, manage, `${manage}/move`, `${manage}?lang=en`]) {
      const res = await agent.get(path).expect(200);
      const $ = cheerio.load(res.text);
      assert.deepEqual(injected($), [], `${path} runs markup from a name`);
      if (!path.endsWith('/move')) {
        const names = $('.summary-list li').text();
        assert.ok(names.includes(SCRIPT) && names.includes(IMG), `${path}: the names are shown as typed`);
      }
    }
    const ics = await agent.get(`${manage}/calendar.ics`).expect(200);
    // Not HTML, and a browser is told not to guess otherwise.
    assert.match(String(ics.headers['content-type']), /^text\/calendar/);
    assert.equal(ics.headers['x-content-type-options'], 'nosniff');
    assert.match(String(ics.headers['content-disposition']), /^attachment/);
  });

  it('a refused booking form shows back what was typed, escaped', async () => {
    await createOffice();
    const c = couple();
    c.partners[0]!.name = IMG;
    c.partners[1]!.phone = ATTR;
    const { agent, csrf } = await csrfAgent(`/offices/jinjiang/days/${DAY}/book?start=09:00`);
    const res = await agent
      .post(`/offices/jinjiang/days/${DAY}/book`)
      .type('form')
      .send({
        _csrf: csrf,
        start: '09:00',
        ...formFields({ partners: c.partners }),
        email: SCRIPT,
        language: 'zh-CN',
      });
    assert.equal(res.status, 422);
    const $ = cheerio.load(res.text);
    assert.deepEqual(injected($), []);
    assert.equal($('input[name="partners[0][name]"]').val(), IMG);
    assert.equal($('input[name="partners[1][phone]"]').val(), ATTR);
    assert.equal($('input[name=email]').val(), SCRIPT);
  });

  it('staff-entered office details and peak-day label and message', async () => {
    const office = await createOffice({
      name: { zh: `锦江${SCRIPT}`, en: `Jinjiang${IMG}` },
      address: { zh: IMG, en: ATTR },
      documents: [{ zh: SCRIPT, en: IMG }],
    });
    await DayPlanModel.create({
      office: office._id,
      date: DAY,
      kind: 'peak',
      label: { zh: IMG, en: ATTR },
      message: { zh: SCRIPT, en: IMG },
      extraWindows: 1,
    });
    for (const path of [
      '/',
      '/?lang=en',
      '/offices/jinjiang',
      '/offices/jinjiang?lang=en',
      `/offices/jinjiang/days/${DAY}`,
      `/offices/jinjiang/days/${DAY}?lang=en`,
      `/offices/jinjiang/days/${DAY}/book?start=09:00`,
    ]) {
      const res = await request(server.url).get(path).expect(200);
      const $ = cheerio.load(res.text);
      assert.deepEqual(injected($), [], `${path} runs staff-entered markup`);
    }
    const day = cheerio.load((await request(server.url).get(`/offices/jinjiang/days/${DAY}`)).text);
    assert.ok(day('.notice').text().includes(SCRIPT), 'the message is shown as typed');
    const api = await request(server.url).get('/api/v1/offices').expect(200);
    assert.equal(api.body[0].names.zh, `锦江${SCRIPT}`, 'JSON carries the text unchanged');
  });

  it('markup in the URL (query, path) is never reflected as markup', async () => {
    await createOffice();
    const q = encodeURIComponent(IMG);
    for (const path of [
      `/?x=${q}`,
      `/offices/jinjiang?month=${q}`,
      `/offices/${q}`,
      `/lookup?reference=${q}`,
      `/no-such-page/${q}`,
      `/booking/${q}`,
      `/?lang=${q}`,
    ]) {
      const res = await request(server.url).get(path);
      assert.ok(res.status < 500, `${path}: ${res.status}`);
      assert.deepEqual(injected(cheerio.load(res.text)), [], `${path} reflects markup`);
    }
  });
});
