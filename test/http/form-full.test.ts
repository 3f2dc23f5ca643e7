// The booking form on a peak morning, when most forms are refused "full".
// - A slot remembered full: once the form's CSRF token is checked and what was typed is well
//   formed, it is answered "full" (409, the form again with what was typed and the slots still
//   open) before the couple's attempts are counted and their ID numbers checked. A form the
//   schema refuses is refused as before, a form without its token before anything, and a form
//   sent again after it booked leads to its booking.
// - The refused form is kept for a moment as a page with holes for what each couple typed
//   (src/web/full-form-page.ts): every couple still sees their own values, escaped, their own
//   CSRF token and idempotency key, their choices, the message in their language, and nothing
//   of another couple's; a place freed in the slot is booked at once.
import assert from 'node:assert/strict';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { browser, formFields } from '../helpers/forms.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Mon 10:00 in Chengdu
const DAY = '2026-08-10'; // a Monday
const BOOK_PATH = `/offices/jinjiang/days/${DAY}/book`;

let t: TestApp;
let officeId: string;

/** The app as it runs (offices and day plans kept for a minute), an office, and its 10:00 slot with `remaining` places. */
async function peakMorning(remaining?: number) {
  await resetDatabase();
  t = await buildTestApp({ now: NOW, env: { SCHEDULE_CACHE_MS: '60000' } });
  officeId = String((await createOffice())._id);
  if (remaining === undefined) return;
  await SlotModel.create({
    office: officeId,
    date: DAY,
    start: '10:00',
    end: '10:30',
    startsAt: new Date('2026-08-10T02:00:00Z'),
    endsAt: new Date('2026-08-10T02:30:00Z'),
    capacity: 12,
    booked: 12 - remaining,
    remaining,
  });
}

/** A phone with the booking form of `start` open (in `lang`): its cookies, token and key. */
async function openForm(start = '10:00', lang?: string) {
  const b = browser(t.app);
  const { $ } = await b.get(`${BOOK_PATH}?start=${start}${lang ? `&lang=${lang}` : ''}`);
  const fields = {
    _csrf: String($('input[name=_csrf]').val()),
    idempotencyKey: String($('input[name=idempotencyKey]').val()),
    start,
  };
  return { b, fields };
}

/** What a couple types. */
const typedBy = (c = couple(), more: Record<string, string> = {}) => ({
  ...formFields({ partners: c.partners }),
  email: c.email,
  language: 'zh-CN',
  ...more,
});

/** A booking of another couple, made by the booking service itself. */
const bookAt = (start: string) =>
  t.container.services.booking.book({ officeId, date: DAY, start, ...couple(), channel: 'online' });

describe('the booking form and a slot remembered full', () => {
  beforeEach(() => peakMorning());

  /** The 10:00 slot with no place left, found full by its counter once (so remembered). */
  async function rememberedFull() {
    const first = await openForm();
    assert.equal((await first.b.post(BOOK_PATH, { ...first.fields, ...typedBy() })).res.status, 303);
    await SlotModel.updateOne({ date: DAY, start: '10:00' }, { $set: { remaining: 0, booked: 12 } });
    const other = await openForm();
    assert.equal((await other.b.post(BOOK_PATH, { ...other.fields, ...typedBy() })).res.status, 409);
  }

  it('answers 409 with the form as typed, without counting the attempts', async () => {
    await rememberedFull();
    const { b, fields } = await openForm();
    const c = couple();
    // More than the 20 attempts a couple has in 10 minutes: none of them is counted.
    for (let i = 0; i < 25; i++) {
      const { res, $ } = await b.post(BOOK_PATH, { ...fields, ...typedBy(c) });
      assert.equal(res.status, 409, `attempt ${i + 1}`);
      assert.match($('.flash-error').text(), /名额已满/);
      assert.equal($('input[name="partners[1][idNumber]"]').val(), c.partners[1]!.idNumber);
      assert.equal($('input[name=_csrf]').val(), fields._csrf);
      assert.ok($('button.alternative').length > 0, 'the slots still open are offered');
    }
    assert.equal(await AppointmentModel.countDocuments(), 1, 'no place taken');
    // The couple's allowance is whole: it books another slot at once.
    const { res } = await b.post(BOOK_PATH, { ...fields, ...typedBy(c), start: '10:30' });
    assert.equal(res.status, 303);
  });

  it('is counted as a "full" answer, as the error handler counts one', async () => {
    await rememberedFull();
    const fullAnswers = async () => (await t.container.metrics.full.get()).values[0]?.value ?? 0;
    const before = await fullAnswers();
    const { b, fields } = await openForm();
    const { res } = await b.post(BOOK_PATH, { ...fields, ...typedBy() });
    assert.equal(res.status, 409);
    assert.equal(res.headers['retry-after'], undefined);
    assert.equal(await fullAnswers(), before + 1);
  });

  it('refuses what the schema refuses first (422, the fields named), as before', async () => {
    await rememberedFull();
    const { b, fields } = await openForm();
    const form = { ...fields, ...typedBy(), 'partners[0][name]': '' };
    const { res, $ } = await b.post(BOOK_PATH, form);
    assert.equal(res.status, 422);
    assert.ok($('#p0-name').attr('aria-invalid'), 'the empty name is marked');
  });

  it('checks a form for an open slot as ever meanwhile: a bad ID number is refused, a good form books', async () => {
    await rememberedFull();
    const { b, fields } = await openForm('10:30');
    const c = couple();
    const bad = await b.post(BOOK_PATH, {
      ...fields,
      ...typedBy(c),
      'partners[0][idNumber]': '510104199503010010',
    });
    assert.equal(bad.res.status, 422);
    assert.equal(bad.$('input[name="partners[0][name]"]').val(), c.partners[0]!.name);
    const good = await b.post(BOOK_PATH, { ...fields, ...typedBy(c) });
    assert.equal(good.res.status, 303);
  });

  it('checks the CSRF token before anything', async () => {
    await rememberedFull();
    const { b, fields } = await openForm();
    const { res } = await b.post(BOOK_PATH, { ...fields, _csrf: 'forged', ...typedBy() });
    assert.equal(res.status, 403);
  });

  it('leads a form sent again after it booked to its booking, not "full"', async () => {
    await peakMorning(1);
    const first = await openForm();
    const form = { ...first.fields, ...typedBy() };
    const booked = await first.b.post(BOOK_PATH, form);
    assert.equal(booked.res.status, 303);
    const other = await openForm();
    assert.equal((await other.b.post(BOOK_PATH, { ...other.fields, ...typedBy() })).res.status, 409);
    const again = await first.b.post(BOOK_PATH, form);
    assert.equal(again.res.status, 303);
    assert.equal(again.res.headers.location, booked.res.headers.location);
    assert.equal(await AppointmentModel.countDocuments(), 1);
  });
});

describe('the booking form refused "full", kept for a moment', () => {
  beforeEach(() => peakMorning(0));

  /** A phone that opens the 10:00 form (in `lang`) and posts it with `typed`. */
  /** A couple that opens the 10:00 form (in `lang`) and posts it with `typed`, told "full". */
  async function refused(typed: Record<string, string>, lang?: string) {
    const { b, fields } = await openForm('10:00', lang);
    const { res, $ } = await b.post(BOOK_PATH, { ...fields, ...typed });
    assert.equal(res.status, 409);
    return { res, $, own: fields };
  }

  it("shows each couple their own values, escaped, their own token and key, and nobody else's", async () => {
    const first = couple();
    const a = await refused(typedBy(first));
    const hostile = `<script>alert("x")</script> O'Brien & "Co"`;
    const second = couple();
    const b = await refused(typedBy(second, { 'partners[0][name]': hostile }));
    for (const page of [a, b]) {
      assert.match(page.$('.flash-error').text(), /名额已满/);
      assert.equal(page.$('input[name=_csrf]').val(), page.own._csrf);
      assert.equal(page.$('input[name=idempotencyKey]').val(), page.own.idempotencyKey);
    }
    assert.notEqual(a.own._csrf, b.own._csrf);
    assert.equal(a.$('input[name="partners[0][name]"]').val(), first.partners[0]!.name);
    assert.equal(b.$('input[name="partners[0][name]"]').val(), hostile);
    assert.equal(b.$('input[name="partners[1][idNumber]"]').val(), second.partners[1]!.idNumber);
    assert.equal(b.$('input[name=email]').val(), second.email);
    assert.ok(!b.res.text.includes('<script>alert'), 'the name is escaped');
    assert.ok(
      b.res.text.includes('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; O&#39;Brien &amp; &#34;Co&#34;'),
    );
    assert.ok(!b.res.text.includes(first.partners[0]!.name), "nothing of the first couple's");
    assert.ok(!/[\uE000\uE001]/.test(b.res.text), 'no hole left unfilled');
    assert.equal(b.$('script').length, 1, 'only the page script');
    for (const page of [a, b]) {
      assert.equal(
        page.res.headers['content-type'],
        'text/html; charset=utf-8',
        'a page, as one rendered alone',
      );
      assert.equal(Number(page.res.headers['content-length']), Buffer.byteLength(page.res.text));
    }
  });

  it("shows each couple's choices and language as they made them", async () => {
    await refused(typedBy());
    const c = couple();
    const typed = typedBy(c, {
      'partners[1][idType]': 'passport',
      'partners[1][idNumber]': 'E12345678',
      'partners[1][birthDate]': '1996-04-12',
      'partners[1][sex]': 'female',
      contactPartner: '1',
      language: 'en',
    });
    const { $ } = await refused(typed);
    assert.equal($('#p1-idType option[selected]').val(), 'passport');
    assert.equal($('#p0-idType option[selected]').val(), 'resident_id');
    assert.equal($('#p1-birthDate').val(), '1996-04-12');
    assert.ok($('details.non-resident').eq(1).is('[open]'), "the second partner's details open");
    assert.ok(!$('details.non-resident').eq(0).is('[open]'));
    assert.equal($('#p1-sex option[selected]').val(), 'female');
    assert.equal($('input[name=contactPartner][checked]').val(), '1');
    assert.equal($('#language option[selected]').val(), 'en');
  });

  it('says "full" in the language of each visitor', async () => {
    const zh = await refused(typedBy());
    const en = await refused(typedBy(), 'en');
    const zhAgain = await refused(typedBy());
    assert.equal(en.$('html').attr('lang'), 'en');
    assert.match(en.$('.flash-error').text(), /full/i);
    assert.match(en.$('#alternatives-heading').text(), /Choose another slot/);
    for (const page of [zh, zhAgain]) {
      assert.equal(page.$('html').attr('lang'), 'zh-CN');
      assert.match(page.$('.flash-error').text(), /名额已满/);
    }
  });

  it('books a place freed in the full slot at once, though its refusal is kept', async () => {
    await SlotModel.updateOne({ date: DAY, start: '10:00' }, { $set: { remaining: 1, booked: 11 } });
    const last = await bookAt('10:00');
    await refused(typedBy());
    await refused(typedBy());
    await t.container.services.booking.cancel(last.appointment._id, 'couple');
    const { b, fields } = await openForm();
    const { res } = await b.post(BOOK_PATH, { ...fields, ...typedBy() });
    assert.equal(res.status, 303, 'booked, not told "full"');
  });
});
