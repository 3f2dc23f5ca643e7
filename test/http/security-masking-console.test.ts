// The other places personal numbers could leak: the staff console (roster, appointment,
// CSV export, ceremony roster and its print view, audit log, the development outbox), the
// messages the job system sends, and the log of all of it. ID numbers and phone numbers
// appear only masked in every one of them.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import * as cheerio from 'cheerio';
import mongoose from 'mongoose';
import request from 'supertest';
import { type JobRunnerHandle, startJobRunner } from '../../jobs/runner.ts';
import { OutboxMessageModel } from '../../src/models/outbox-message.model.ts';
import { PASSWORD, staffUser } from '../browser/fixtures.ts';
import { couple } from '../helpers/ids.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Monday 10:00 in Chengdu
const DAY = '2026-08-10';

async function until(what: string, check: () => Promise<boolean>, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('security: ID and phone numbers only masked in the console, mails and exports', function () {
  this.timeout(60_000);
  let server: RunningServer;
  let runner: JobRunnerHandle | undefined;
  let log = '';

  beforeEach(async () => {
    await resetDatabase();
    log = '';
    const stream = new Writable({
      write(chunk, _enc, done) {
        log += chunk.toString();
        done();
      },
    });
    server = await startTestServer({ now: NOW, logDestination: stream, logLevel: 'trace' });
    runner = await startJobRunner(server.container, {
      settings: {
        processEvery: 100,
        periodic: false,
        mail: { maxAttempts: 3, backoffMs: 50, maxBackoffMs: 200, concurrency: 4 },
      },
      name: `masking-${process.pid}`,
      sweepAtStart: false,
    });
  });
  afterEach(async () => {
    await runner?.stop();
    await server?.close();
  });

  it('nowhere in the console, the exports, the mails or the log', async () => {
    const officeId = (await createOffice())._id.toString();
    const couples = [couple(), couple({ language: 'en' })];
    const booked = [];
    for (const [i, c] of couples.entries()) {
      const res = await request(server.url)
        .post('/api/v1/appointments')
        .send({ officeId, date: DAY, start: i ? '10:00' : '09:00', ...c })
        .expect(201);
      booked.push(res.body as { reference: string; manageToken: string });
    }
    // The confirmations go to the development outbox (no SMTP_URL).
    await until(
      'two confirmations in the outbox',
      async () => (await OutboxMessageModel.countDocuments()) >= 2,
    );

    const admin = await staffUser('admin@example.com', 'admin', []);
    const agent = request.agent(server.url);
    const csrf = String(
      cheerio
        .load((await agent.get('/staff/login')).text)('input[name=_csrf]')
        .val(),
    );
    await agent
      .post('/staff/login')
      .type('form')
      .send({ _csrf: csrf, email: admin, password: PASSWORD })
      .expect(303);

    const seen: { where: string; text: string }[] = [];
    const visit = async (path: string) => {
      const res = await agent.get(path);
      assert.equal(res.status, 200, `${path}: ${res.status}`);
      seen.push({ where: path, text: res.text });
      return res;
    };
    const appointments = await mongoose.connection.db!.collection('appointments').find({}).toArray();
    await visit('/staff');
    await visit(`/staff/offices/${officeId}/roster?date=${DAY}`);
    await visit(
      `/staff/offices/${officeId}/roster?date=${DAY}&q=${couples[0]!.partners[0]!.phone.slice(-4)}`,
    );
    const csv = await visit(`/staff/offices/${officeId}/roster.csv?date=${DAY}`);
    assert.match(csv.text, /5101\*{10}/, 'the export carries masked ID numbers');
    // The one place a phone is shown whole: the appointment page, to registrars and
    // administrators who call couples (never cached); a coordinator sees it masked.
    const coordinator = request.agent(server.url);
    const coordinatorEmail = await staffUser('coordinator@example.com', 'coordinator', [officeId]);
    const csrf2 = String(
      cheerio
        .load((await coordinator.get('/staff/login')).text)('input[name=_csrf]')
        .val(),
    );
    await coordinator
      .post('/staff/login')
      .type('form')
      .send({ _csrf: csrf2, email: coordinatorEmail, password: PASSWORD })
      .expect(303);
    for (const [i, a] of appointments.entries()) {
      const forRegistrar = await agent.get(`/staff/appointments/${a._id}`).expect(200);
      assert.equal(forRegistrar.headers['cache-control'], 'no-store');
      const phone = a.partners[0].phone as string;
      assert.ok(forRegistrar.text.includes(phone), 'administrators see the number to call');
      const forCoordinator = await coordinator.get(`/staff/appointments/${a._id}`).expect(200);
      seen.push({ where: `appointment ${i} (coordinator)`, text: forCoordinator.text });
      const $ = cheerio.load(forRegistrar.text);
      // Apart from the phone line, the registrar's page shows nothing in clear either.
      $(`span.mono:contains("${phone}")`).remove();
      $(`span.mono:contains("${a.partners[1].phone}")`).remove();
      seen.push({ where: `appointment ${i} (administrator, phones removed)`, text: $.html() });
    }
    await visit('/staff/audit');

    // A ceremony with both couples: its roster and the printed list.
    const ceremony = await server.container.services.ceremonies.create(
      officeId,
      {
        date: DAY,
        start: '16:00',
        durationMinutes: 45,
        title: { zh: '集体颁证仪式', en: 'Group ceremony' },
        hall: { zh: '颁证大厅', en: 'Hall' },
        seats: 7,
        minCouples: 1,
        signupDeadline: '2026-08-09T17:00',
        offerHours: 24,
      },
      { status: 'open', actor: 'test' },
    );
    const ceremonyId = String(
      (ceremony as { _id?: unknown; id?: unknown })._id ?? (ceremony as { id?: unknown }).id,
    );
    const roster = await visit(`/staff/ceremonies/${ceremonyId}`);
    const addCsrf = String(cheerio.load(roster.text)('form.add-couple input[name=_csrf]').val());
    for (const b of booked) {
      await agent
        .post(`/staff/ceremonies/${ceremonyId}/add`)
        .type('form')
        .send({ _csrf: addCsrf, reference: b.reference })
        .expect(303);
    }
    const filled = await visit(`/staff/ceremonies/${ceremonyId}`);
    assert.equal(cheerio.load(filled.text)('ol.procession > li').length, 2);
    await visit(`/staff/ceremonies/${ceremonyId}/print`);

    // The development outbox in the console, and every message as stored and as shown.
    const outbox = await visit('/staff/outbox');
    const messages = await OutboxMessageModel.find({}).lean();
    assert.ok(messages.length >= 2);
    for (const m of messages) {
      seen.push({
        where: `mail ${m.subject}`,
        text: [m.subject, m.text, m.html, ...m.attachments.map((a) => a.content)].join('\n'),
      });
    }
    const links = cheerio
      .load(outbox.text)('a[href^="/staff/outbox/messages/"]')
      .map((_i, el) => cheerio.load(outbox.text)(el).attr('href'))
      .get();
    for (const href of [...new Set(links)].slice(0, 6)) await visit(href);

    seen.push({ where: 'log', text: log });
    assert.ok(log.length > 1000, 'the log was captured');
    for (const c of couples) {
      for (const p of c.partners) {
        for (const { where, text } of seen) {
          assert.ok(!text.includes(p.idNumber), `${where} shows the ID number ${p.idNumber}`);
          assert.ok(!text.includes(p.phone), `${where} shows the phone number ${p.phone}`);
        }
      }
    }
  });
});
