// Text that is not text. A name with a line break or a NUL splits a roster line, a CSV row or
// a mail header; a name of zero-width or bidi-control characters shows as nothing at the desk;
// bytes that are not UTF-8 were stored as U+FFFD. Each is refused with a field message in the
// visitor's language (422) on the forms and the JSON API, or 400 for a body that is not UTF-8,
// and nothing is stored.
import assert from 'node:assert/strict';
import request from 'supertest';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { OfficeModel } from '../../src/models/office.model.ts';
import { StaffUserModel } from '../../src/models/staff-user.model.ts';
import { browser, formFields } from '../helpers/forms.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { createWorld, signIn, type World } from './staff-fixtures.ts';

const NOW = '2026-08-03T02:00:00.000Z';
const DAY = '2026-08-10';
const BOOK_PATH = `/offices/jinjiang/days/${DAY}/book`;

const CONTROL: [string, string][] = [
  ['a line feed', '张\n伟'],
  ['a carriage return', '张\r伟'],
  ['a NUL', '张\u0000伟'],
  ['an escape', '\u001b[31m张伟'],
  ['a C1 next-line', '张\u0085伟'],
  ['a DEL', '张伟\u007f'],
];
const INVISIBLE: [string, string][] = [
  ['zero-width spaces', '\u200b\u200c\u200d'],
  ['a byte-order mark and a word joiner', '\ufeff\u2060'],
  ['bidi controls', '\u202e\u2066\u200f'],
  ['ideographic and no-break spaces', '\u3000\u00a0 '],
  ['a Hangul filler', '\u3164'],
];
const FINE = ['张伟', 'Zoë Smith-Jones', "O'Brien", 'محمد\u200f', '阿卜杜勒·买买提'];

describe('input hygiene: control characters, invisible text and invalid UTF-8', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await createOffice())._id.toString();
  });

  const apiBooking = (name: string, lang?: string) => {
    const c = couple();
    c.partners[0]!.name = name;
    const req = request(t.app).post('/api/v1/appointments');
    if (lang) req.set('Accept-Language', lang);
    return req.send({ officeId, date: DAY, start: '09:00', ...c });
  };

  for (const [what, name] of [...CONTROL, ...INVISIBLE]) {
    it(`refuses a name with ${what} on the JSON API, with a field message in the visitor's language`, async () => {
      const zh = await apiBooking(name);
      assert.equal(zh.status, 422, JSON.stringify(zh.body));
      assert.ok(zh.body.error.fields['partners.0.name'], 'a message for the field');
      assert.match(zh.body.error.fields['partners.0.name'], /[\u4e00-\u9fff]/, 'in Chinese');
      const en = await apiBooking(name, 'en');
      assert.equal(en.status, 422);
      assert.match(en.body.error.fields['partners.0.name'], /^[\x20-\x7e]+$/, 'in English');
      assert.equal(await AppointmentModel.countDocuments(), 0);
    });
  }

  it('names the two faults apart: control characters, and nothing visible', async () => {
    const control = (await apiBooking('张\n伟', 'en')).body.error.fields['partners.0.name'];
    const invisible = (await apiBooking('\u200b', 'en')).body.error.fields['partners.0.name'];
    assert.match(control, /line break|control character/i);
    assert.match(invisible, /visible/i);
  });

  it('trims surrounding spaces and line breaks, as from a pasted name', async () => {
    const res = await apiBooking('\r\n 张伟 \n');
    assert.equal(res.status, 201);
    assert.equal(res.body.partners[0].name, '张伟');
  });

  it('books names in any script, with inner spaces and punctuation', async () => {
    for (const name of FINE) {
      const res = await apiBooking(name);
      assert.equal(res.status, 201, `${name}: ${JSON.stringify(res.body)}`);
    }
  });

  it('refuses control characters in the ID number and phone too', async () => {
    const c = couple();
    c.partners[1]!.phone = `${c.partners[1]!.phone}\u0000`;
    c.partners[0]!.idNumber = `${c.partners[0]!.idNumber.slice(0, 9)}\r\n${c.partners[0]!.idNumber.slice(9)}`;
    const res = await request(t.app)
      .post('/api/v1/appointments')
      .send({ officeId, date: DAY, start: '09:00', ...c });
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.ok(res.body.error.fields['partners.0.idNumber']);
    assert.ok(res.body.error.fields['partners.1.phone']);
  });

  it('refuses them on the booking form, with the message beside the field', async () => {
    for (const [, name] of [CONTROL[0]!, INVISIBLE[0]!]) {
      const b = browser(t.app);
      const { $ } = await b.get(`${BOOK_PATH}?start=09:00`);
      const c = couple();
      c.partners[1]!.name = name;
      const { res, $: page } = await b.post(BOOK_PATH, {
        _csrf: $('input[name=_csrf]').val(),
        idempotencyKey: $('input[name=idempotencyKey]').val(),
        start: '09:00',
        ...formFields({ partners: c.partners }),
        email: c.email,
        language: 'zh-CN',
      });
      assert.equal(res.status, 422);
      assert.ok(page('#partners-1-name-error').text().trim(), 'the field message');
    }
    assert.equal(await AppointmentModel.countDocuments(), 0);
  });

  it('answers 400 to a JSON body that is not UTF-8, and stores nothing', async () => {
    const c = couple();
    const json = JSON.stringify({ officeId, date: DAY, start: '09:00', ...c });
    const at = json.indexOf(c.partners[0]!.name);
    const body = Buffer.concat([
      Buffer.from(json.slice(0, at)),
      Buffer.from([0xe5, 0xbc, 0xff, 0xfe]),
      Buffer.from(json.slice(at)),
    ]);
    const res = await request(t.app)
      .post('/api/v1/appointments')
      .set('Content-Type', 'application/json')
      // The bytes as they are: supertest would otherwise send a Buffer as JSON of its own.
      .serialize((raw: unknown) => raw as string)
      .send(body as unknown as string);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'bad_request');
    assert.equal(await AppointmentModel.countDocuments(), 0);
  });

  it('answers 400 to a form whose percent-encoded bytes are not UTF-8', async () => {
    const b = browser(t.app);
    const { $ } = await b.get(`${BOOK_PATH}?start=09:00`);
    const c = couple();
    const fields = {
      _csrf: String($('input[name=_csrf]').val()),
      idempotencyKey: String($('input[name=idempotencyKey]').val()),
      start: '09:00',
      ...formFields({ partners: c.partners }),
      email: c.email,
      language: 'zh-CN',
    };
    const encoded = Object.entries(fields)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&')
      .replace(encodeURIComponent(c.partners[0]!.name), '%E5%BC%FF');
    const res = await b.agent.post(BOOK_PATH).type('form').send(encoded);
    assert.equal(res.status, 400);
    assert.equal(await AppointmentModel.countDocuments(), 0);
  });

  describe('in the staff console', () => {
    let w: World;
    beforeEach(async () => {
      await OfficeModel.deleteMany({});
      w = await createWorld();
    });

    it('refuses an account name with a line break or with nothing visible', async () => {
      const b = await signIn(t, 'admin@example.com');
      for (const name of ['新\r\n同事', '\u200b\u202e']) {
        const res = await b.agent
          .post('/staff/accounts')
          .type('form')
          .send({ _csrf: b.csrf, email: 'new@example.com', name, role: 'registrar', offices: w.officeA });
        assert.equal(res.status, 422);
        assert.match(res.text, /field-error/);
      }
      assert.equal(await StaffUserModel.countDocuments({ email: 'new@example.com' }), 0);
    });

    it('keeps line breaks in the text areas, and refuses other control characters there', async () => {
      const b = await signIn(t, 'admin@example.com');
      const details = (documents: string) => ({
        _csrf: b.csrf,
        nameZh: '锦江区婚姻登记处',
        nameEn: 'Jinjiang',
        addressZh: '东大街 88 号',
        timezone: 'Asia/Shanghai',
        documents,
        active: 'on',
      });
      const ok = await b.agent
        .post(`/staff/offices/${w.officeA}/details`)
        .type('form')
        .send(details('身份证 | ID card\r\n照片 | Photos'));
      assert.equal(ok.status, 303);
      const office = await OfficeModel.findById(w.officeA).lean();
      assert.deepEqual(
        office!.documents.map((d) => d.zh),
        ['身份证', '照片'],
      );
      const bad = await b.agent
        .post(`/staff/offices/${w.officeA}/details`)
        .type('form')
        .send(details('身份证\u0000 | ID card'));
      assert.equal(bad.status, 422);
      const address = await b.agent
        .post(`/staff/offices/${w.officeA}/details`)
        .type('form')
        .send({ ...details('身份证'), addressZh: '东大街\n88 号' });
      assert.equal(address.status, 422);
    });
  });
});
