// Without SMTP_URL, messages go to the development outbox, which administrators read at
// /staff/outbox: the list, one message (text, sandboxed HTML, attachments), in both languages.
import assert from 'node:assert/strict';
import request from 'supertest';
import { OutboxMessageModel } from '../../src/models/outbox-message.model.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';
import { createUser, signIn } from '../http/staff-fixtures.ts';
import { book, type JobWorld, startJobWorld, stopJobWorld, waitFor } from './jobs-fixtures.ts';

describe('mail: the development outbox', () => {
  let world: JobWorld;
  let officeId: string;

  beforeEach(async () => {
    await resetDatabase();
    world = await startJobWorld();
    officeId = (await createOffice())._id.toString();
  });
  afterEach(async () => {
    await stopJobWorld(world);
  });

  it('keeps every message when no SMTP server is configured, for administrators to read', async () => {
    assert.equal(world.container.mailer.kind, 'outbox');
    const { appointment, manageToken } = await book(world, officeId, '09:00', { language: 'en' });
    await waitFor(async () => (await OutboxMessageModel.countDocuments()) === 1);
    const stored = await OutboxMessageModel.findOne({}).lean();
    assert.equal(stored?.to, appointment.email);
    assert.equal(stored?.notificationKey, `confirmation:${appointment._id}`);
    assert.match(stored?.text ?? '', /Your booking is confirmed/);
    assert.equal(stored?.attachments[0]?.filename, `${appointment.reference}.ics`);

    await createUser('admin@example.com', 'admin', []);
    const b = await signIn(world, 'admin@example.com');
    const list = await b.get('/staff/outbox');
    assert.equal(list.res.status, 200);
    assert.match(list.$('p.notice').text(), /未配置 SMTP 服务器/);
    const link = list.$('#messages a').first();
    assert.match(link.text(), /^Booking confirmed: Wed 11 Jun 2031 09:00/);
    assert.equal(list.$('[data-empty="failed"]').length, 1);
    assert.match(list.$('#recent').text(), /预约确认/);
    assert.match(list.$('#recent').text(), /已发送/);

    const page = await b.get(link.attr('href')!);
    assert.equal(page.res.status, 200);
    assert.match(page.$('pre.mail-text').text(), new RegExp(`Reference: ${appointment.reference}`));
    // The outbox keeps the message as sent; staff see the private link masked.
    assert.ok(stored?.text.includes(`/booking/${manageToken}`));
    assert.ok(
      page
        .$('pre.mail-text')
        .text()
        .includes(`/booking/${manageToken.slice(0, 4)}********`),
    );
    assert.ok(!page.res.text.includes(manageToken));
    const frame = page.$('iframe');
    assert.equal(frame.attr('sandbox'), '');
    const html = await b.agent.get(frame.attr('src')!);
    assert.equal(html.status, 200);
    assert.match(html.headers['content-security-policy'] ?? '', /sandbox/);
    assert.match(html.headers['content-security-policy'] ?? '', /default-src 'none'/);
    assert.match(html.text, /<html lang="en">/);
    const ics = await b.agent.get(page.$('a[href*="/attachments/0"]').attr('href')!);
    assert.equal(ics.status, 200);
    assert.match(ics.headers['content-type'] ?? '', /^text\/calendar/);
    assert.match(ics.text, /^BEGIN:VCALENDAR/);

    const en = await b.get('/staff/outbox?lang=en');
    assert.match(en.$('h1').text(), /Outbox/);
    assert.match(en.$('p.notice').text(), /No SMTP server is configured/);
  });

  it('is for administrators only', async () => {
    await createUser('registrar@example.com', 'registrar', [officeId]);
    const visitor = await request(world.app).get('/staff/outbox');
    assert.equal(visitor.status, 303);
    assert.match(visitor.headers.location ?? '', /^\/staff\/login/);
    const b = await signIn(world, 'registrar@example.com');
    assert.equal((await b.get('/staff/outbox')).res.status, 403);
    assert.equal((await b.get('/staff')).$('nav.staff-nav a[href="/staff/outbox"]').length, 0);
    assert.equal((await b.get('/staff/outbox/messages/000000000000000000000000')).res.status, 403);
  });

  it('answers 404 for a message that does not exist', async () => {
    await createUser('admin@example.com', 'admin', []);
    const b = await signIn(world, 'admin@example.com');
    assert.equal((await b.get('/staff/outbox/messages/000000000000000000000000')).res.status, 404);
    assert.equal((await b.get('/staff/outbox/messages/nonsense')).res.status, 404);
  });
});
