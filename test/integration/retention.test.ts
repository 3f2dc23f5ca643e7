// The retention of personal data: with the clock moved forward, the nightly erasure takes the
// names, ID fingerprints, phones, e-mail addresses and free text out of bookings, lottery
// applications, holds, messages and the outbox RETENTION_DAYS after their day, keeps what the
// statistics need, writes one audit entry per run, and changes nothing more when run again,
// or twice at once. The job handler is run directly at chosen test-clock times.
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { eraseExpiredPersonalData } from '../../jobs/handlers/retention.ts';
import { createLogger } from '../../src/logger.ts';
import { type Appointment, AppointmentModel } from '../../src/models/appointment.model.ts';
import { AuditLogModel } from '../../src/models/audit-log.model.ts';
import {
  LotteryApplicationModel,
  newLotteryApplicationDocument,
} from '../../src/models/lottery-application.model.ts';
import { LotteryPersonModel } from '../../src/models/lottery-person.model.ts';
import { NotificationModel } from '../../src/models/notification.model.ts';
import { OutboxMessageModel } from '../../src/models/outbox-message.model.ts';
import { PersonHoldModel } from '../../src/models/person-hold.model.ts';
import { VerificationModel } from '../../src/models/verification-code.model.ts';
import type { ErasureCounts } from '../../src/services/retention/erase-records.ts';
import { storedPartner } from '../helpers/built-documents.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { book as bookByStaff } from '../http/staff-fixtures.ts';

/** Monday 9 June 2031, 10:00 in Chengdu. */
const NOW = '2031-06-09T02:00:00.000Z';
/** 181 days after 11 June and 179 days after 13 June, 10:00 in Chengdu. */
const LATER = '2031-12-09T02:00:00.000Z';
const TWO_DAYS = 2 * 86_400_000;

const logger = createLogger('silent');

describe('retention of personal data', () => {
  let t: TestApp;
  let officeId: string;

  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await createOffice())._id.toString();
  });
  afterEach(() => t.container.mailer.close());

  const run = () => t.container.services.retention.run();
  const stored = (id: Types.ObjectId) => AppointmentModel.findById(id).lean<Appointment>();

  async function book(date: string, start = '09:00') {
    const { appointment, couple: c } = await bookByStaff(t, officeId, date, start);
    // Its confirmation, through the development outbox (no SMTP server is configured).
    const sent = await t.container.services.notifications.deliver({
      kind: 'confirmation',
      appointmentId: appointment._id.toString(),
    });
    assert.equal(sent.outcome, 'sent');
    return { appointment, couple: c };
  }

  /** A lottery application as the lottery stores one, with its per-person key and one notice. */
  async function application(date: string, fields: Record<string, unknown> = {}) {
    const _id = new Types.ObjectId();
    const draw = new Types.ObjectId();
    const doc = newLotteryApplicationDocument(
      {
        _id,
        draw,
        office: new Types.ObjectId(officeId),
        date,
        reference: `L${_id.toString().slice(-7).toUpperCase()}`,
        partners: [
          storedPartner,
          { ...storedPartner, name: '李娜', idFingerprint: `f-${_id}`, sex: 'female' },
        ],
        email: `applicant-${_id}@example.com`,
        language: 'zh-CN',
        preference: { kind: 'any' },
        tokenHash: `hash-${_id}`,
        appliedAt: new Date(NOW),
        history: [],
      },
      new Date(NOW),
    );
    await LotteryApplicationModel.collection.insertOne({ ...doc, ...fields });
    await LotteryPersonModel.create({ _id: `${draw}:f-${_id}`, application: _id });
    await NotificationModel.create({
      key: `lottery:${_id}:lottery.not_drawn`,
      kind: 'lottery',
      spec: { kind: 'lottery', event: { type: 'lottery.not_drawn', applicationId: _id.toString() } },
      to: doc.email,
      status: 'sent',
      claimedAt: new Date(NOW),
    });
    return _id;
  }

  const lastAudit = async () => {
    const entries = await AuditLogModel.find({ action: 'retention.erase' }).sort({ at: -1, _id: -1 }).lean();
    const after = entries[0]?.after as { counts?: ErasureCounts } | undefined;
    return { count: entries.length, counts: after?.counts };
  };

  it('erases a booking 181 days past, keeps one 179 days past, and keeps what statistics need', async () => {
    const old = await book('2031-06-11');
    const cancelled = await book('2031-06-11', '09:30');
    await t.container.services.booking.cancel(cancelled.appointment._id, 'staff', {
      reason: '新郎出差，电话 13800138000',
      actor: 'test',
    });
    await t.container.services.notifications.deliver({
      kind: 'cancelled',
      appointmentId: cancelled.appointment._id.toString(),
      by: 'staff',
      reason: '新郎出差，电话 13800138000',
    });
    const recent = await book('2031-06-13');
    const before = await stored(old.appointment._id);
    assert.equal(await PersonHoldModel.countDocuments({ appointment: old.appointment._id }), 2);

    t.clock.set(LATER);
    const result = await eraseExpiredPersonalData({
      container: t.container,
      logger,
      scheduler: undefined as never,
      settings: undefined as never,
    });
    assert.equal(result.counts.appointments, 2);

    const erased = await stored(old.appointment._id);
    assert.ok(before && erased);
    assert.equal(erased.erasedAt?.toISOString(), LATER);
    assert.equal(erased.email, '');
    assert.deepEqual(
      erased.partners.map((p) => ({ ...p })),
      before.partners.map((p) => ({
        name: '',
        idType: p.idType,
        idMasked: p.idMasked,
        idFingerprint: '',
        phone: '',
        phoneLast4: '',
      })),
    );
    assert.match(erased.partners[0]!.idMasked, /^5101\*+\d{3}[\dX]$/);
    // What statistics read is as it was.
    for (const field of ['reference', 'date', 'start', 'end', 'status', 'channel', 'office', 'slot'] as const)
      assert.deepEqual(erased[field], before[field], field);
    assert.equal(await PersonHoldModel.countDocuments({ appointment: old.appointment._id }), 0);

    const gone = await stored(cancelled.appointment._id);
    assert.equal(gone?.status, 'cancelled');
    assert.equal(gone?.cancelReason, undefined);
    assert.ok(gone?.history.length);
    assert.ok(gone?.history.every((h) => !JSON.stringify(h).includes('13800138000')));

    // The booking 179 days past is untouched, with its holds.
    const kept = await stored(recent.appointment._id);
    assert.equal(kept?.erasedAt, undefined);
    assert.equal(kept?.partners[0]?.name, recent.couple.partners[0]!.name);
    assert.equal(kept?.email, recent.couple.email);
    assert.equal(await PersonHoldModel.countDocuments({ appointment: recent.appointment._id }), 2);

    // Messages: the log entries keep their kind, key and status; the outbox copies lose their text.
    const notes = await NotificationModel.find({}).lean();
    for (const n of notes) {
      const about = n.appointment?.toString();
      if (about === recent.appointment._id.toString()) {
        assert.equal(n.to, recent.couple.email);
        continue;
      }
      assert.equal(n.to, '');
      assert.equal(n.status, 'sent');
      assert.ok(n.erasedAt);
      assert.equal((n.spec as { reason?: string }).reason, undefined);
    }
    const outbox = await OutboxMessageModel.find({}).lean();
    assert.equal(outbox.length, 4);
    for (const m of outbox) {
      if (m.notificationKey === `confirmation:${recent.appointment._id}`) {
        assert.equal(m.to, recent.couple.email);
        assert.match(m.text, /预约编号/);
        continue;
      }
      assert.ok(m.erasedAt);
      assert.deepEqual([m.to, m.text, m.html, m.attachments.length], ['', '', '', 0]);
      assert.ok(m.subject, 'the subject (date, time, office) stays');
    }

    const audit = await lastAudit();
    assert.equal(audit.count, 1);
    assert.deepEqual(audit.counts, {
      appointments: 2,
      lotteryApplications: 0,
      personHolds: 2,
      lotteryPersons: 0,
      notifications: 3,
      outboxMessages: 3,
      verificationCodes: 0,
    });
  });

  it('changes nothing more when run again, and erases each record once when two runs meet', async () => {
    await book('2031-06-11');
    await book('2031-06-11', '10:00');
    await application('2031-06-11');
    t.clock.set(LATER);
    const [a, b] = await Promise.all([run(), run()]);
    const total = (k: keyof ErasureCounts) => a.counts[k] + b.counts[k];
    assert.equal(total('appointments'), 2);
    assert.equal(total('lotteryApplications'), 1);
    assert.equal(total('personHolds'), 4);
    assert.equal(total('notifications'), 3);
    const snapshot = async () =>
      JSON.stringify([
        await AppointmentModel.find({}).sort({ _id: 1 }).lean(),
        await LotteryApplicationModel.find({}).sort({ _id: 1 }).lean(),
        await NotificationModel.find({}).sort({ _id: 1 }).lean(),
        await OutboxMessageModel.find({}).sort({ _id: 1 }).lean(),
      ]);
    const before = await snapshot();
    t.clock.advance(60_000);
    const again = await run();
    assert.deepEqual(Object.values(again.counts), [0, 0, 0, 0, 0, 0, 0]);
    assert.equal(await snapshot(), before);
    const audit = await lastAudit();
    assert.equal(audit.count, 3, 'every run writes its entry');
    assert.deepEqual(Object.values(audit.counts ?? {}), [0, 0, 0, 0, 0, 0, 0]);
  });

  it('erases a lottery application without a place after its day, and one with a place with its booking', async () => {
    // The winners' booking moved two days later than their lottery day.
    const moved = await book('2031-06-13');
    const lost = await application('2031-06-11');
    const lostLater = await application('2031-06-13');
    const won = await application('2031-06-11', { status: 'confirmed', appointment: moved.appointment._id });

    t.clock.set(LATER);
    const first = await run();
    assert.equal(first.counts.lotteryApplications, 1);
    assert.equal(first.counts.lotteryPersons, 1);
    const app = (id: Types.ObjectId) => LotteryApplicationModel.findById(id).lean();
    const erased = await app(lost);
    assert.ok(erased?.erasedAt);
    assert.equal(erased.email, '');
    assert.deepEqual(
      erased.partners.map((p) => [p.name, p.phone, p.idFingerprint, p.birthDate, p.sex]),
      [
        ['', '', '', undefined, undefined],
        ['', '', '', undefined, undefined],
      ],
    );
    assert.equal(erased.partners[0]?.idMasked, storedPartner.idMasked);
    assert.equal(erased.status, 'applied');
    assert.equal(await LotteryPersonModel.countDocuments({ application: lost }), 0);
    const notice = await NotificationModel.findOne({ key: `lottery:${lost}:lottery.not_drawn` }).lean();
    assert.equal(notice?.to, '');
    assert.equal((await app(lostLater))?.erasedAt, undefined, '179 days after its day');
    assert.equal((await app(won))?.erasedAt, undefined, 'its booking is kept');
    assert.ok((await app(won))?.partners[0]?.name);

    t.clock.advance(TWO_DAYS);
    const second = await run();
    assert.equal(second.counts.appointments, 1);
    assert.equal(second.counts.lotteryApplications, 2);
    assert.ok((await app(won))?.erasedAt, 'follows its booking');
    assert.ok((await app(lostLater))?.erasedAt);
    assert.equal((await app(won))?.status, 'confirmed');
  });

  it('deletes verification allowances past their expiry and outbox copies older than the policy', async () => {
    const now = new Date(LATER);
    await VerificationModel.create([
      { _id: 'phone:13800138000', sent: [], expiresAt: new Date(now.getTime() - 60_000) },
      { _id: 'phone:13900139000', sent: [now], expiresAt: new Date(now.getTime() + 86_400_000) },
    ]);
    await OutboxMessageModel.create([
      {
        channel: 'sms',
        messageId: 'old',
        from: 'x',
        to: '13800138000',
        text: '验证码 123456',
        createdAt: new Date(now.getTime() - 181 * 86_400_000),
      },
      {
        channel: 'sms',
        messageId: 'new',
        from: 'x',
        to: '13900139000',
        text: '验证码 654321',
        createdAt: now,
      },
    ]);
    t.clock.set(LATER);
    const result = await run();
    assert.equal(result.counts.verificationCodes, 1);
    assert.equal(result.counts.outboxMessages, 1);
    assert.deepEqual(
      (await VerificationModel.find({}).lean()).map((v) => v._id),
      ['phone:13900139000'],
    );
    const left = await OutboxMessageModel.find({}).sort({ messageId: -1 }).lean();
    assert.deepEqual(
      left.map((m) => [m.messageId, m.to, m.text]),
      [
        ['old', '', ''],
        ['new', '13900139000', '验证码 654321'],
      ],
    );
  });

  it('leaves an erased booking out of the no-show sweep and the hold repair', async () => {
    const stale = await book('2031-06-11');
    t.clock.set(LATER);
    await run();
    const { maintenance } = t.container.services;
    assert.equal(await maintenance.markNoShows({ graceMinutes: 30 }), 0);
    const report = await maintenance.reconcile({ settleMs: 0, holdMinAgeMs: 0, logger });
    assert.equal(report.holds.restored, 0);
    assert.equal(await PersonHoldModel.countDocuments({}), 0);
    assert.equal((await stored(stale.appointment._id))?.status, 'booked');
  });

  it('never touches bookings still to come, however short the policy', async () => {
    const short = await buildTestApp({ now: NOW, env: { RETENTION_DAYS: '1' } });
    const today = await book('2031-06-09', '16:30');
    const coming = await book('2031-06-10');
    const counts = (await short.container.services.retention.run()).counts;
    assert.equal(counts.appointments, 0);
    for (const { appointment, couple: c } of [today, coming])
      assert.equal((await stored(appointment._id))?.partners[0]?.name, c.partners[0]!.name);
    short.container.mailer.close();
  });
});
