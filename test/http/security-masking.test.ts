// ID numbers and phone numbers are personal data: they appear only masked in what the app
// shows (pages, JSON, calendar files) and writes (its log, read here through a destination
// stream at the most verbose level), and ID numbers are never stored in clear.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import * as cheerio from 'cheerio';
import mongoose from 'mongoose';
import request from 'supertest';
import { formFields } from '../helpers/forms.ts';
import { couple, residentId } from '../helpers/ids.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z';
const DAY = '2026-08-10';

/** A pino destination that keeps everything written to it. */
function logCapture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

/** The clear forms a number can leak in: as typed, and with separators a log or page might add. */
function clearForms(n: string): string[] {
  return [
    n,
    n.toLowerCase(),
    n.replace(/^(\d{3})(\d{4})(\d{4})$/, '$1 $2 $3'),
    n.replace(/^(\d{3})(\d{4})(\d{4})$/, '$1-$2-$3'),
  ].filter((v, i, a) => a.indexOf(v) === i);
}

describe('security: ID and phone numbers only masked', function () {
  this.timeout(30_000);
  let server: RunningServer;
  let log: ReturnType<typeof logCapture>;

  beforeEach(async () => {
    await resetDatabase();
    log = logCapture();
    server = await startTestServer({ now: NOW, logDestination: log.stream, logLevel: 'trace' });
    await createOffice({ phone: '028-12345678' });
  });
  afterEach(async () => {
    await server?.close();
  });

  it('pages, JSON, calendar files, the log and the database never hold them in clear', async () => {
    const web = couple();
    const api = couple({ language: 'en' });
    const refused = couple();
    refused.partners[1]!.idNumber = residentId('2010-01-01', 'female', 77); // under age: refused, echoed?
    const secrets = [...web.partners, ...api.partners, ...refused.partners].flatMap((p) => [
      p.idNumber,
      p.phone,
    ]);
    const seen: { where: string; text: string }[] = [];
    const keep = (where: string, res: request.Response) => {
      seen.push({ where, text: `${JSON.stringify(res.headers)}\n${res.text}` });
      return res;
    };

    // The web journey: form, confirmation, manage, move page, calendar file, look-up, cancel.
    const agent = request.agent(server.url);
    const form = keep('form', await agent.get(`/offices/jinjiang/days/${DAY}/book?start=09:00`).expect(200));
    const csrf = String(cheerio.load(form.text)('input[name=_csrf]').val());
    const booked = keep(
      'book',
      await agent
        .post(`/offices/jinjiang/days/${DAY}/book`)
        .type('form')
        .send({
          _csrf: csrf,
          start: '09:00',
          ...formFields({ partners: web.partners }),
          email: web.email,
          language: 'zh-CN',
        }),
    );
    assert.equal(booked.status, 303);
    const manage = String(booked.headers.location).replace('/confirmation', '');
    keep('confirmation', await agent.get(`${manage}/confirmation`).expect(200));
    const page = keep('manage', await agent.get(manage).expect(200));
    assert.match(
      cheerio.load(page.text)('.summary-list').text(),
      /5101\*{10}\d{3}[\dX]/,
      'the masked ID is shown',
    );
    keep('move', await agent.get(`${manage}/move`).expect(200));
    keep('ics', await agent.get(`${manage}/calendar.ics`).expect(200));
    const reference = cheerio.load(page.text)('.reference').text().trim();
    keep(
      'lookup',
      await agent
        .post('/lookup')
        .type('form')
        .send({ _csrf: csrf, reference, phoneLast4: web.partners[0]!.phone.slice(-4) })
        .expect(303),
    );
    keep('lookup-page', await agent.get('/booking/r').expect(200));
    keep('cancel', await agent.post(`${manage}/cancel`).type('form').send({ _csrf: csrf }).expect(303));

    // A refused form: what was typed comes back in the form's inputs (the visitor's own
    // browser) but nowhere else. Inputs are removed before the check.
    const refusal = await agent
      .post(`/offices/jinjiang/days/${DAY}/book`)
      .type('form')
      .send({
        _csrf: csrf,
        start: '09:30',
        ...formFields({ partners: refused.partners }),
        email: refused.email,
        language: 'zh-CN',
      });
    assert.equal(refusal.status, 422);
    const $ = cheerio.load(refusal.text);
    $('input').remove();
    seen.push({ where: 'refused form (inputs removed)', text: $.html() });

    // The API: create, read, a refusal that names the field, cancel.
    const created = keep(
      'api create',
      await request(server.url)
        .post('/api/v1/appointments')
        .send({
          officeId: String((await mongoose.connection.db!.collection('offices').findOne())!._id),
          date: DAY,
          start: '10:00',
          ...api,
        })
        .expect(201),
    );
    const auth = `Bearer ${created.body.manageToken}`;
    const read = keep(
      'api read',
      await request(server.url)
        .get(`/api/v1/appointments/${created.body.reference}`)
        .set('Authorization', auth)
        .expect(200),
    );
    assert.equal(read.body.partners[0].phone, `*******${api.partners[0]!.phone.slice(-4)}`);
    keep(
      'api refused',
      await request(server.url)
        .post('/api/v1/appointments')
        .send({ officeId: created.body.officeId, date: DAY, start: '10:30', ...refused })
        .expect(422),
    );
    keep(
      'api cancel',
      await request(server.url)
        .post(`/api/v1/appointments/${created.body.reference}/cancel`)
        .set('Authorization', auth)
        .expect(200),
    );

    // Look for every clear form of every number in every answer and in the log.
    assert.ok(log.text().length > 1000, 'the log was captured');
    seen.push({ where: 'log', text: log.text() });
    for (const s of secrets) {
      for (const form of clearForms(s)) {
        for (const { where, text } of seen)
          assert.ok(!text.includes(form), `${where} shows ${form} in clear`);
      }
    }
    // ID numbers are not stored in clear anywhere (phones are: staff call couples).
    const db = mongoose.connection.db!;
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      const dump = JSON.stringify(await db.collection(name).find({}).toArray());
      for (const p of [...web.partners, ...api.partners, ...refused.partners]) {
        assert.ok(!dump.includes(p.idNumber), `${name} stores an ID number in clear`);
      }
    }
  });

  it('the log never holds the private manage link either', async () => {
    const c = couple();
    const created = await request(server.url)
      .post('/api/v1/appointments')
      .send({
        officeId: String((await mongoose.connection.db!.collection('offices').findOne())!._id),
        date: DAY,
        start: '10:00',
        ...c,
      })
      .expect(201);
    const token = created.body.manageToken as string;
    await request(server.url).get(`/booking/${token}`).expect(200);
    await request(server.url).get(`/booking/${token}/calendar.ics`).expect(200);
    await request(server.url).get(`/booking/${token}x`).expect(404);
    await request(server.url)
      .get(`/api/v1/appointments/${created.body.reference}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    assert.match(log.text(), /\/booking\/\[token\]/, 'requests are logged, with the token scrubbed');
    assert.ok(!log.text().includes(token), 'the manage token is in the log');
  });
});
