// The booking confirmation, sent right after booking to a real SMTP server and parsed back:
// content in the couple's language, the office's address and documents, the private manage
// link (never stored), times in the office's zone, and a valid calendar file.
import assert from 'node:assert/strict';
import mongoose from 'mongoose';
import { NotificationModel } from '../../src/models/notification.model.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';
import {
  book,
  header,
  type JobWorld,
  type SmtpSink,
  startJobWorld,
  startSmtpSink,
  stopJobWorld,
  textOf,
  waitFor,
} from './jobs-fixtures.ts';

describe('mail: booking confirmation', () => {
  let sink: SmtpSink;
  let world: JobWorld | undefined;
  let officeId: string;

  beforeEach(async () => {
    await resetDatabase();
    sink = await startSmtpSink();
    world = await startJobWorld({ smtpUrl: sink.url });
    officeId = (await createOffice({ phone: '028-8888 0000' }))._id.toString();
  });
  afterEach(async () => {
    await stopJobWorld(world);
    world = undefined;
    await sink.close();
  });

  it('arrives in Chinese with the reference, address, documents, manage link and times in the office zone', async () => {
    const { appointment, manageToken } = await book(world!, officeId, '09:00');
    const [mail] = await sink.waitForMessages(1);
    assert.ok(mail);
    assert.equal(mail.to && 'text' in mail.to ? mail.to.text : '', appointment.email);
    assert.equal(mail.subject, '预约成功：2031年6月11日 周三 09:00 · 锦江区婚姻登记处');
    const text = textOf(mail);
    assert.match(text, new RegExp(`预约编号：${appointment.reference}`));
    assert.match(text, /时间：09:00–09:30/);
    assert.match(text, /地址：成都市锦江区东大街 88 号/);
    assert.match(text, /请携带以下材料： - 双方身份证原件/);
    assert.match(text, /如有疑问，请致电 锦江区婚姻登记处：028-8888 0000。/);
    const manageUrl = `http://localhost:3000/booking/${manageToken}`;
    assert.ok(text.includes(manageUrl), 'the private manage link is in the text');
    assert.ok(String(mail.html).includes(`href="${manageUrl}"`), 'and a button in the HTML');
    assert.match(String(mail.html), /<html lang="zh-CN">/);
    assert.equal(header(mail, 'x-notification-key'), `confirmation:${appointment._id}`);

    const key = `confirmation:${appointment._id}`;
    await waitFor(async () => (await NotificationModel.findOne({ key }).lean())?.status === 'sent');
    const stored = await NotificationModel.findOne({ key }).lean();
    assert.equal(stored?.attempts, 1);
    assert.equal(stored?.to, appointment.email);
  });

  it('is in English for a couple who chose English', async () => {
    const { appointment } = await book(world!, officeId, '14:00', { language: 'en' });
    const [mail] = await sink.waitForMessages(1);
    assert.equal(
      mail!.subject,
      'Booking confirmed: Wed 11 Jun 2031 14:00 · Jinjiang District Marriage Registry',
    );
    const text = textOf(mail!);
    assert.match(text, new RegExp(`Reference: ${appointment.reference}`));
    assert.match(text, /Time: 14:00–14:30/);
    assert.match(text, /Address: 88 Dongda St, Chengdu/);
    assert.match(text, /Please bring: - Both ID cards/);
    assert.doesNotMatch(text, /[预约登记处]/, 'no Chinese left in an English message');
    assert.match(String(mail!.html), /<html lang="en">/);
  });

  it('carries a calendar file with the appointment in UTC and the office as location', async () => {
    const { appointment } = await book(world!, officeId, '09:00');
    const [mail] = await sink.waitForMessages(1);
    const ics = mail!.attachments.find((a) => a.filename === `${appointment.reference}.ics`);
    assert.ok(ics, 'an .ics attachment');
    assert.match(ics.contentType, /^text\/calendar/);
    const raw = ics.content.toString('utf8');
    for (const line of raw.split(/\r\n/)) {
      assert.ok(Buffer.byteLength(line) <= 75, `folded to 75 octets (RFC 5545): ${line}`);
    }
    const body = raw.replace(/\r\n[ \t]/g, '');
    const lines = body.split(/\r?\n/);
    assert.equal(lines[0], 'BEGIN:VCALENDAR');
    assert.ok(lines.includes('VERSION:2.0'));
    assert.ok(lines.includes('BEGIN:VEVENT') && lines.includes('END:VEVENT'));
    assert.equal(lines.filter((l) => l === 'END:VCALENDAR').length, 1);
    // 09:00 in Chengdu is 01:00 UTC.
    assert.ok(lines.includes('DTSTART:20310611T010000Z'), body);
    assert.ok(lines.includes('DTEND:20310611T013000Z'), body);
    assert.ok(lines.includes(`UID:${appointment.reference}@localhost`));
    assert.ok(lines.some((l) => l.startsWith('LOCATION:成都市锦江区东大街 88 号')));
  });

  it('never stores the manage token: not in the notification, the jobs or the appointment', async () => {
    const { manageToken } = await book(world!, officeId, '09:00');
    await sink.waitForMessages(1);
    const db = mongoose.connection.db!;
    for (const name of ['notifications', 'agendaJobs', 'appointments', 'outboxmessages']) {
      const docs = await db.collection(name).find({}).toArray();
      assert.ok(!JSON.stringify(docs).includes(manageToken), `the token is not in ${name}`);
    }
  });

  it('marks the booking as scheduled once its reminders are queued', async () => {
    const { appointment } = await book(world!, officeId, '09:00');
    await sink.waitForMessages(1);
    await waitFor(async () => {
      const doc = await mongoose.connection.db!.collection('appointments').findOne({ _id: appointment._id });
      return Boolean(doc?.jobsScheduledAt);
    });
  });
});
