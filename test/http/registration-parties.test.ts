// Who may register together: one man and one woman (Civil Code art. 1049), the sex read from
// the resident ID or entered for a passport or permit; a passport or permit without a birth
// date or sex, and a resident ID of no province, are refused field by field, on the web form,
// the JSON API and the lottery's application alike, and nothing is written.
import assert from 'node:assert/strict';
import request from 'supertest';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { LotteryApplicationModel } from '../../src/models/lottery-application.model.ts';
import { PersonHoldModel } from '../../src/models/person-hold.model.ts';
import { browser, formFields } from '../helpers/forms.ts';
import { couple, residentId } from '../helpers/ids.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { DAY as LOTTERY_DAY, DAY_PATH as LOTTERY_DAY_PATH, lotteryOffice } from './lottery-support.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Mon 10:00 in Chengdu
const DAY = '2026-08-10';
const BOOK_PATH = `/offices/jinjiang/days/${DAY}/book`;

type Couple = ReturnType<typeof couple>;
type Partner = Couple['partners'][number] & { birthDate?: string; sex?: string };

/** Each case: how the couple differs from a valid one, the field refused, and its message in both languages. */
const CASES: { name: string; change: (c: Couple) => void; field: string; zh: RegExp; en: RegExp }[] = [
  {
    name: 'two men',
    change: (c) => {
      c.partners[1]!.idNumber = residentId('1996-04-12', 'male', 901);
    },
    field: 'partners.1.idNumber',
    zh: /一男一女.*第 1049 条/,
    en: /one man and one woman.*art\. 1049/,
  },
  {
    name: 'two women',
    change: (c) => {
      c.partners[0]!.idNumber = residentId('1995-03-02', 'female', 902);
    },
    field: 'partners.1.idNumber',
    zh: /一男一女.*第 1049 条/,
    en: /one man and one woman.*art\. 1049/,
  },
  {
    name: 'a passport without birth date or sex',
    change: (c) => {
      Object.assign(c.partners[1]!, { idType: 'passport', idNumber: 'E12345678' });
    },
    field: 'partners.1.birthDate',
    zh: /出生日期/,
    en: /birth date/,
  },
  {
    name: 'a passport without sex',
    change: (c) => {
      Object.assign(c.partners[1]!, { idType: 'passport', idNumber: 'E12345678', birthDate: '1996-04-12' });
    },
    field: 'partners.1.sex',
    zh: /性别/,
    en: /sex/,
  },
  {
    name: 'a passport partner of the same sex',
    change: (c) => {
      const p: Partner = c.partners[1]!;
      Object.assign(p, { idType: 'passport', idNumber: 'E12345678', birthDate: '1996-04-12', sex: 'male' });
    },
    field: 'partners.1.sex',
    zh: /一男一女/,
    en: /one man and one woman/,
  },
  {
    name: 'a region code of no province (999999)',
    change: (c) => {
      c.partners[0]!.idNumber = residentId('1995-03-01', 'male', 903, '999999');
    },
    field: 'partners.0.idNumber',
    zh: /省级行政区划代码/,
    en: /province-level region code/,
  },
];

describe('who may register together', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await createOffice())._id.toString();
  });

  async function postForm(c: Couple, lang: 'zh-CN' | 'en') {
    const b = browser(t.app);
    const { $ } = await b.get(`${BOOK_PATH}?start=09:00&lang=${lang === 'en' ? 'en' : 'zh-CN'}`);
    return b.post(BOOK_PATH, {
      _csrf: $('input[name=_csrf]').val(),
      idempotencyKey: $('input[name=idempotencyKey]').val(),
      start: '09:00',
      ...formFields({ partners: c.partners }),
      email: c.email,
      language: lang,
    });
  }

  for (const k of CASES) {
    it(`the booking form refuses ${k.name} (422, the field named, in both languages) and writes nothing`, async () => {
      for (const lang of ['zh-CN', 'en'] as const) {
        const c = couple();
        k.change(c);
        const { res, $ } = await postForm(c, lang);
        assert.equal(res.status, 422, lang);
        const id = `#${k.field.replace(/\./g, '-')}-error`;
        assert.match($(id).text(), lang === 'en' ? k.en : k.zh, `${lang}: ${$(id).text()}`);
        assert.equal(
          $('input[name="partners[1][name]"]').val(),
          c.partners[1]!.name,
          'what was typed is kept',
        );
      }
      assert.equal(await AppointmentModel.countDocuments(), 0);
      assert.equal(await PersonHoldModel.countDocuments(), 0);
    });

    it(`the JSON API refuses ${k.name} (422 invalid, the field named)`, async () => {
      const c = couple();
      k.change(c);
      const res = await request(t.app)
        .post('/api/v1/appointments')
        .set('Accept-Language', 'en')
        .send({ officeId, date: DAY, start: '09:00', partners: c.partners, email: c.email, language: 'en' })
        .expect(422);
      assert.equal(res.body.error.code, 'invalid');
      assert.match(res.body.error.fields[k.field], k.en, JSON.stringify(res.body.error.fields));
      assert.equal(await AppointmentModel.countDocuments(), 0);
    });
  }

  it('books one man and one woman, from resident IDs or with a passport and its entered facts', async () => {
    const residents = couple();
    const form = await postForm(residents, 'zh-CN');
    assert.equal(form.res.status, 303, form.$('.field-error').text());
    const withPassport = couple();
    Object.assign(withPassport.partners[1]!, {
      idType: 'passport',
      idNumber: 'E87654321',
      birthDate: '1996-04-12',
      sex: 'female',
    });
    const api = await request(t.app)
      .post('/api/v1/appointments')
      .send({ officeId, date: DAY, start: '09:00', ...withPassport })
      .expect(201);
    assert.equal(api.body.status, 'booked');
    const stored = await AppointmentModel.findOne({ reference: api.body.reference }).lean();
    assert.equal(stored!.partners[1]!.sex, 'female');
    assert.equal(stored!.partners[1]!.birthDate, '1996-04-12');
  });

  it('checks the age of a passport partner against the birth date entered', async () => {
    const c = couple();
    Object.assign(c.partners[1]!, {
      idType: 'passport',
      idNumber: 'E87654321',
      birthDate: '2008-01-01',
      sex: 'female',
    });
    const res = await request(t.app)
      .post('/api/v1/appointments')
      .set('Accept-Language', 'en')
      .send({ officeId, date: DAY, start: '09:00', ...c, language: 'en' })
      .expect(422);
    assert.match(res.body.error.fields['partners.1.idNumber'], /legal marriage age/);
  });
});

describe('who may apply for a lottery together', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await lotteryOffice(t))._id.toString();
  });

  it('the application API and form refuse two men, field named', async () => {
    const c = couple();
    c.partners[1]!.idNumber = residentId('1996-04-12', 'male', 904);
    const api = await request(t.app)
      .post('/api/v1/lottery/applications')
      .set('Accept-Language', 'en')
      .send({ officeId, date: LOTTERY_DAY, ...c, language: 'en', preference: { kind: 'any' } })
      .expect(422);
    assert.match(api.body.error.fields['partners.1.idNumber'], /one man and one woman/);

    const b = browser(t.app);
    const path = `${LOTTERY_DAY_PATH}/lottery/apply`;
    const { $ } = await b.get(path);
    const { res, $: page } = await b.post(path, {
      _csrf: $('input[name=_csrf]').val(),
      idempotencyKey: $('input[name=idempotencyKey]').val(),
      ...formFields({ partners: c.partners }),
      email: c.email,
      language: 'zh-CN',
      preference: 'any',
    });
    assert.equal(res.status, 422);
    assert.match(page('#partners-1-idNumber-error').text(), /一男一女/);
    assert.equal(await LotteryApplicationModel.countDocuments(), 0);
  });
});
