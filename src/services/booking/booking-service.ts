// The couple's use cases: book, find, cancel and move an appointment. The same code serves
// the web form, the JSON API and staff walk-ins.
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { checkMarriageAge } from '../../domain/eligibility.ts';
import { idFingerprint } from '../../domain/masking.ts';
import { noShowBlock } from '../../domain/no-show-policy.ts';
import { newReferenceCode, normalizeReference } from '../../domain/reference-code.ts';
import type { Locale } from '../../i18n/locales.ts';
import type { Clock, RandomBytes } from '../../lib/clock.ts';
import { isDuplicate } from '../../lib/duplicate-key.ts';
import { appointmentIcs } from '../../mail/calendar-file.ts';
import {
  type Appointment,
  AppointmentModel,
  type AppointmentStatus,
  type NewAppointment,
  newAppointmentDocument,
  type Partner,
} from '../../models/appointment.model.ts';
import { PersonHoldModel } from '../../models/person-hold.model.ts';
import type { AuditService } from '../audit-service.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import type { EventBus } from '../events.ts';
import type { OfficeRecord, ScheduleService, SlotRecord } from '../schedule-service.ts';
import { createBookingWrites } from './booking-writes.ts';
import { checkPartners, type PartnerInput } from './check-partners.ts';
import { hashManageToken, looksLikeManageToken, newManageToken } from './manage-token.ts';
import { clearHold, HOLD_WRITE_WITHIN_MS, settledHold } from './person-holds.ts';
import { forcePlace, releasePlace, takePlace, takeReservedPlace } from './slot-counter.ts';

/** How long a request waits for a simultaneous one with the same idempotency key to finish. */
const KEY_WAIT_MS = 2_000;
const KEY_WAIT_STEP_MS = 50;

export type Channel = 'online' | 'api' | 'staff' | 'lottery';

export interface BookingRequest {
  officeId: string;
  date: string;
  start: string;
  partners: PartnerInput[];
  email: string;
  language: Locale;
  idempotencyKey?: string;
  channel: Channel;
  /** Staff only: book past a full slot, after an explicit confirmation. */
  allowOverbook?: boolean;
  /** Staff only (priority channel): take a place held back in the slot's reserved pool. */
  fromReserve?: boolean;
  /**
   * Lottery winners: the partners as checked and stored when the couple applied (clear ID
   * numbers are never kept, so they cannot be checked again); `partners` is then ignored.
   */
  checkedPartners?: [Partner, Partner];
  actor?: string;
}

export type AppointmentRecord = Appointment & { _id: Types.ObjectId };

export interface BookingResult {
  appointment: AppointmentRecord;
  manageToken: string;
  /** false when an identical earlier request (same idempotency key) is answered again. */
  created: boolean;
}

export interface BookingServiceDeps {
  clock: Clock;
  random: RandomBytes;
  secret: string;
  events: EventBus;
  schedule: ScheduleService;
  audit: AuditService;
}

export function createBookingService(deps: BookingServiceDeps) {
  const { clock, random, secret, events, schedule, audit } = deps;
  const writes = createBookingWrites();

  function assertWindow(
    office: OfficeRecord,
    req: BookingRequest,
    scheduleWindow: ReturnType<ScheduleService['windowFor']>,
  ) {
    // A lottery day's application window replaces the booking window for its winners.
    if (req.channel === 'staff' || req.channel === 'lottery') return;
    const zone = office.timezone;
    const fmt = (d: Date) => DateTime.fromJSDate(d, { zone }).toFormat('yyyy-MM-dd HH:mm');
    if (scheduleWindow.state === 'not_yet_open') {
      throw new AppError('booking_not_open', 'booking.not_yet_open', {
        opensAt: fmt(scheduleWindow.opensAt),
      });
    }
    if (scheduleWindow.state === 'closed') {
      throw new AppError('booking_closed', 'booking.window_closed', {
        closedAt: fmt(scheduleWindow.closedAt),
      });
    }
  }

  /** On a lottery day places are drawn, not taken first come first served (issue 8). */
  function assertNotLotteryDay(day: Awaited<ReturnType<ScheduleService['daySchedule']>>, channel: Channel) {
    if ((channel === 'online' || channel === 'api') && schedule.allocationOf(day) === 'lottery')
      throw new AppError('booking_not_open', 'lottery.fcfs_refused');
  }

  async function assertNoShowPolicy(office: OfficeRecord, partners: Partner[]) {
    const now = clock();
    const since = new Date(now.getTime() - office.noShowPolicy.withinDays * 86_400_000);
    const noShows = await writes.noShowsOf(
      partners.map((p) => p.idFingerprint),
      since,
    );
    if (noShows.length === 0) return;
    for (const [i, p] of partners.entries()) {
      const mine = noShows.filter((n) => n.partners.some((q) => q.idFingerprint === p.idFingerprint));
      const block = noShowBlock(mine.map((n) => n.noShowAt!).filter(Boolean), office.noShowPolicy, now);
      if (block.blocked) {
        const until = DateTime.fromJSDate(block.until, { zone: office.timezone }).toFormat('yyyy-MM-dd');
        throw new AppError(
          'no_show_blocked',
          'booking.no_show_blocked',
          { until },
          {
            [`partners.${i}.idNumber`]: { key: 'booking.no_show_blocked', params: { until } },
          },
        );
      }
    }
  }

  /** Records both partners as holding a booking; undoes itself if either already holds one. */
  async function holdPersons(appointmentId: Types.ObjectId, partners: Partner[]): Promise<void> {
    // Fast path: both holds at once, in one insert with other couples' holds. On a conflict
    // undo ours and take the careful path, which also clears holds left behind by
    // interrupted requests.
    const fingerprints = partners.map((p) => p.idFingerprint);
    if (await writes.holdPersons(appointmentId, fingerprints, new Date())) return;
    await PersonHoldModel.deleteMany({ _id: { $in: fingerprints }, appointment: appointmentId } as never);
    const taken: string[] = [];
    try {
      for (const p of partners) {
        await insertHold(p.idFingerprint, appointmentId);
        taken.push(p.idFingerprint);
      }
    } catch (err) {
      if (taken.length) await PersonHoldModel.deleteMany({ _id: { $in: taken }, appointment: appointmentId });
      throw err;
    }
  }

  async function insertHold(fingerprint: string, appointmentId: Types.ObjectId): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await PersonHoldModel.create({ _id: fingerprint, appointment: appointmentId });
        return;
      } catch (err) {
        if (!isDuplicate(err)) throw err;
        const held = await settledHold(fingerprint);
        if (held.state === 'active') throw new AppError('already_booked', 'booking.already_booked');
        if (held.state === 'in_progress') throw new AppError('conflict', 'booking.in_progress');
        // Left by a booking that is over or was interrupted: clear it once.
        if (held.state === 'stale') await clearHold(fingerprint, held.appointment!);
      }
    }
    throw new AppError('already_booked', 'booking.already_booked');
  }

  /**
   * The booking an earlier attempt with this key made. The key is chosen by the client, so it
   * is not a credential: only a request for the same two people gets the booking (and its
   * manage link) back; anyone else presenting the key gets a conflict.
   */
  async function existingForKey(req: BookingRequest): Promise<BookingResult | null> {
    const key = req.idempotencyKey;
    if (!key) return null;
    const found = await AppointmentModel.findOne({ idempotencyKey: key }).lean<AppointmentRecord>();
    if (!found) return null;
    const asked = req.checkedPartners
      ? req.checkedPartners.map((p) => p.idFingerprint)
      : req.partners.map((p) => idFingerprint(secret, p.idType, p.idNumber));
    const stored = found.partners.map((p) => p.idFingerprint);
    if (asked.length !== stored.length || !asked.every((f) => stored.includes(f))) {
      throw new AppError('conflict', 'error.conflict');
    }
    return { appointment: found, manageToken: newManageToken(random, secret, key), created: false };
  }

  /** The booking a simultaneous request with the same key is writing, once it is written. */
  async function awaitKey(req: BookingRequest): Promise<BookingResult | null> {
    for (let waited = 0; ; waited += KEY_WAIT_STEP_MS) {
      const found = await existingForKey(req);
      if (found || waited >= KEY_WAIT_MS) return found;
      await new Promise((resolve) => setTimeout(resolve, KEY_WAIT_STEP_MS));
    }
  }

  async function book(req: BookingRequest): Promise<BookingResult> {
    const again = await existingForKey(req);
    if (again) return again;

    const office = await schedule.getOffice(req.officeId);
    const checked = req.checkedPartners
      ? { ok: true as const, partners: req.checkedPartners }
      : checkPartners(req.partners, req.date, office.eligibility, secret);
    const email = req.email.trim();
    if (!checked.ok) throw invalid(checked.fields);

    const day = await schedule.daySchedule(office, req.date);
    const planned = day.slots.find((s) => s.start === req.start);
    if (!day.open || !planned)
      throw invalid({ start: { key: 'booking.slot_not_offered' } }, 'booking.slot_not_offered');
    if (planned.startsAt <= clock())
      throw invalid({ start: { key: 'booking.slot_past' } }, 'booking.slot_past');
    assertWindow(office, req, schedule.windowFor(office, day, clock()));
    assertNotLotteryDay(day, req.channel);
    await assertNoShowPolicy(office, checked.partners);

    const slot: SlotRecord = await schedule.slotCounter(office, req.date, req.start);
    let overbooked = false;
    if (req.fromReserve && req.channel === 'staff') {
      if (!(await takeReservedPlace(slot._id))) throw new AppError('slot_full', 'lottery.reserve_empty');
    } else if (!(await writes.takePlace(slot._id))) {
      if (!(req.channel === 'staff' && req.allowOverbook))
        throw new AppError('slot_full', 'booking.slot_full');
      await forcePlace(slot._id);
      overbooked = true;
    }

    // From here on the place is ours: every failure gives it back. Both partners are held
    // before the appointment is written, so it is never active without its holds: a process
    // killed in between leaves only holds with nothing behind them (cleared once stale) and a
    // place taken by nobody (recounted), never a booking that lets a couple book twice.
    const manageToken = newManageToken(random, secret, req.idempotencyKey);
    const _id = new Types.ObjectId();
    let appointment: AppointmentRecord;
    try {
      const heldAt = Date.now();
      await holdPersons(_id, checked.partners);
      // Past this, another request may already take the holds for stale: give up instead.
      if (Date.now() - heldAt > HOLD_WRITE_WITHIN_MS) throw new AppError('unavailable', 'error.503');
      appointment = await insertAppointment({
        _id,
        office: office._id,
        slot: slot._id,
        date: req.date,
        start: slot.start,
        end: slot.end,
        startsAt: slot.startsAt,
        endsAt: slot.endsAt,
        partners: checked.partners,
        email,
        language: req.language,
        channel: req.channel,
        manageTokenHash: hashManageToken(manageToken),
        ...(req.idempotencyKey ? { idempotencyKey: req.idempotencyKey } : {}),
        overbooked,
        history: [
          {
            at: clock(),
            type: 'booked',
            by: req.actor ?? req.channel,
            ...(overbooked ? { detail: { overbooked } } : {}),
          },
        ],
      });
    } catch (err) {
      await undoBooking(_id, slot._id);
      // A simultaneous retry with the same key won the race: it holds the couple (its booking
      // written or about to be), or its booking took the key first. Its token is derived from
      // the key too, so either unique index may be the one that reports it.
      const lostToRetry =
        isDuplicate(err, 'idempotencyKey') ||
        isDuplicate(err, 'manageTokenHash') ||
        (err instanceof AppError &&
          (err.code === 'already_booked' || err.messageKey === 'booking.in_progress'));
      if (req.idempotencyKey && lostToRetry) {
        const winner = await awaitKey(req);
        if (winner) return winner;
      }
      throw err;
    }
    events.emit({ type: 'appointment.booked', appointmentId: _id.toString(), manageToken });
    return { appointment, manageToken, created: true };
  }

  /**
   * A walk-in or phone booking taken by a member of staff at the desk: the staff channel (no
   * booking window; past a full slot when confirmed), written to the audit log.
   */
  async function walkIn(
    req: Omit<BookingRequest, 'channel' | 'fromReserve' | 'checkedPartners'> & { actor: string },
  ): Promise<BookingResult> {
    const result = await book({ ...req, channel: 'staff' });
    const a = result.appointment;
    if (result.created) {
      await audit.record({
        actor: req.actor,
        action: a.overbooked ? 'appointment.overbook' : 'appointment.walk_in',
        target: { kind: 'appointment', id: a._id.toString(), label: a.reference },
        after: { date: a.date, start: a.start, overbooked: a.overbooked, channel: 'staff' },
        officeId: a.office,
      });
    }
    return result;
  }

  /**
   * Takes back a booking that failed midway, whatever of it got stored (a failed command may
   * still have written). The appointment goes first: once it is gone nothing active is left,
   * so an interruption after that strands only a place (recounted) and holds (cleared once
   * stale). If it cannot be removed (the database is away) nothing else is touched: it may
   * exist, with its place and its holds, and a retry with the same key finds it.
   */
  async function undoBooking(_id: Types.ObjectId, slotId: Types.ObjectId): Promise<void> {
    // Known to be away: waiting for it would only make the couple wait longer for their 503.
    if (AppointmentModel.db.readyState !== 1) return;
    try {
      await AppointmentModel.deleteOne({ _id });
      await releasePlace(slotId);
      await PersonHoldModel.deleteMany({ appointment: _id });
    } catch {
      // Left to the recount of the counters and to the stale-hold rule.
    }
  }

  async function insertAppointment(fields: Omit<NewAppointment, 'reference'>): Promise<AppointmentRecord> {
    for (let attempt = 0; ; attempt++) {
      // Stamped with the real time, as Mongoose's timestamps are, not the service clock.
      const doc = newAppointmentDocument({ ...fields, reference: newReferenceCode(random) }, new Date());
      try {
        await writes.insertAppointment(doc);
        return doc;
      } catch (err) {
        if (attempt < 5 && isDuplicate(err, 'reference')) continue;
        throw err;
      }
    }
  }

  async function findByToken(token: string): Promise<AppointmentRecord> {
    if (!looksLikeManageToken(token)) throw notFound('booking.not_found');
    const found = await AppointmentModel.findOne({
      manageTokenHash: hashManageToken(token),
    }).lean<AppointmentRecord>();
    if (!found) throw notFound('booking.not_found');
    return found;
  }

  /** Reference code plus the last four digits of either partner's phone. */
  async function findByReference(reference: string, phoneLast4: string): Promise<AppointmentRecord> {
    const ref = normalizeReference(reference);
    if (!ref || !/^\d{4}$/.test(phoneLast4)) throw notFound('booking.lookup_failed');
    const found = await AppointmentModel.findOne({
      reference: ref,
      'partners.phoneLast4': phoneLast4,
    }).lean<AppointmentRecord>();
    if (!found) throw notFound('booking.lookup_failed');
    return found;
  }

  async function findByReferenceAndToken(reference: string, token: string): Promise<AppointmentRecord> {
    const found = await findByToken(token);
    if (found.reference !== normalizeReference(reference)) throw notFound('booking.not_found');
    return found;
  }

  async function cancel(
    appointmentId: Types.ObjectId,
    by: 'couple' | 'staff' | 'system',
    opts: { reason?: string; actor?: string } = {},
  ): Promise<AppointmentRecord> {
    const now = clock();
    const allowed: AppointmentStatus[] = by === 'couple' ? ['booked'] : ['booked', 'arrived'];
    const updated = await AppointmentModel.findOneAndUpdate(
      { _id: appointmentId, status: { $in: allowed } },
      {
        $set: {
          status: 'cancelled',
          cancelledAt: now,
          cancelledBy: by,
          ...(opts.reason ? { cancelReason: opts.reason } : {}),
        },
        $push: {
          history: {
            at: now,
            type: 'cancelled',
            by: opts.actor ?? by,
            ...(opts.reason ? { detail: { reason: opts.reason } } : {}),
          },
        },
      },
      { returnDocument: 'after' },
    ).lean<AppointmentRecord>();
    if (!updated) {
      const exists = await AppointmentModel.exists({ _id: appointmentId });
      throw exists ? new AppError('conflict', 'booking.cannot_cancel') : notFound('booking.not_found');
    }
    await releasePlace(updated.slot);
    await PersonHoldModel.deleteMany({ appointment: updated._id });
    events.emit({
      type: 'appointment.cancelled',
      appointmentId: updated._id.toString(),
      by,
      ...(opts.reason ? { reason: opts.reason } : {}),
    });
    return updated;
  }

  /**
   * Moves a booking to another slot: the new place is taken before the old one is given
   * back, so a full target changes nothing and a crash never leaves the couple without a place.
   */
  async function move(
    appointmentId: Types.ObjectId,
    target: { date: string; start: string },
    opts: { channel?: Channel; actor?: string } = {},
  ): Promise<AppointmentRecord> {
    const current = await AppointmentModel.findById(appointmentId).lean<AppointmentRecord>();
    if (!current) throw notFound('booking.not_found');
    if (current.status !== 'booked') throw new AppError('conflict', 'booking.cannot_move');
    if (current.date === target.date && current.start === target.start) {
      throw invalid({ start: { key: 'booking.same_slot' } }, 'booking.same_slot');
    }
    const office = await schedule.getOffice(current.office.toString());
    const age = checkAgeOnly(current, target.date, office);
    if (age) throw age;
    const day = await schedule.daySchedule(office, target.date);
    const planned = day.slots.find((s) => s.start === target.start);
    if (!day.open || !planned)
      throw invalid({ start: { key: 'booking.slot_not_offered' } }, 'booking.slot_not_offered');
    if (planned.startsAt <= clock())
      throw invalid({ start: { key: 'booking.slot_past' } }, 'booking.slot_past');
    if ((opts.channel ?? 'online') !== 'staff') {
      assertWindow(
        office,
        { channel: opts.channel ?? 'online' } as BookingRequest,
        schedule.windowFor(office, day, clock()),
      );
    }
    assertNotLotteryDay(day, opts.channel ?? 'online');
    const slot = await schedule.slotCounter(office, target.date, target.start);
    if (!(await takePlace(slot._id))) throw new AppError('slot_full', 'booking.slot_full');
    const now = clock();
    const moved = await AppointmentModel.findOneAndUpdate(
      { _id: current._id, status: 'booked', slot: current.slot },
      {
        $set: {
          slot: slot._id,
          date: slot.date,
          start: slot.start,
          end: slot.end,
          startsAt: slot.startsAt,
          endsAt: slot.endsAt,
          jobsScheduledAt: null,
        },
        $push: {
          history: {
            at: now,
            type: 'moved',
            by: opts.actor ?? 'couple',
            detail: { from: { date: current.date, start: current.start }, to: target },
          },
        },
      },
      { returnDocument: 'after' },
    ).lean<AppointmentRecord>();
    if (!moved) {
      await releasePlace(slot._id);
      throw new AppError('conflict', 'booking.cannot_move');
    }
    await releasePlace(current.slot);
    events.emit({
      type: 'appointment.moved',
      appointmentId: moved._id.toString(),
      from: { date: current.date, start: current.start },
    });
    return moved;
  }

  /** Age is reckoned on the appointment date, so moving to an earlier day can make a partner too young. */
  function checkAgeOnly(current: AppointmentRecord, date: string, office: OfficeRecord): AppError | null {
    const [a, b] = current.partners as [Partner, Partner];
    const problems = checkMarriageAge(date, [a, b], office.eligibility);
    if (problems.length === 0) return null;
    const fields = Object.fromEntries(
      problems.map((p) => [
        `partners.${p.partner}`,
        { key: 'booking.under_age', params: { minAge: p.minAge, date } },
      ]),
    );
    return invalid(fields, 'booking.under_age_on_date');
  }

  /** The booking of this id, or null (also for an id that is not one). */
  async function find(appointmentId: string): Promise<AppointmentRecord | null> {
    if (!Types.ObjectId.isValid(appointmentId)) return null;
    return AppointmentModel.findById(appointmentId).lean<AppointmentRecord>();
  }

  /** The booked appointments of an office starting at an instant, or on a day, in time order. */
  function bookedAt(officeId: Types.ObjectId, when: { startsAt: Date } | { date: string }) {
    return AppointmentModel.find({ office: officeId, status: 'booked', ...when })
      .sort({ startsAt: 1, _id: 1 })
      .lean<AppointmentRecord[]>();
  }

  /** Whether an office has any booking on a day that is not cancelled. */
  async function anyOn(officeId: Types.ObjectId, date: string): Promise<boolean> {
    return Boolean(await AppointmentModel.exists({ office: officeId, date, status: { $ne: 'cancelled' } }));
  }

  /**
   * Notes that a booking's reminders and confirmation are scheduled, only if it is still where
   * they were computed for (a move clears the mark, and its jobs are scheduled again).
   */
  async function markJobsScheduled(appointment: Pick<AppointmentRecord, '_id' | 'startsAt'>): Promise<void> {
    await AppointmentModel.updateOne(
      { _id: appointment._id, startsAt: appointment.startsAt },
      { $set: { jobsScheduledAt: clock() } },
    );
  }

  /** The booking's calendar file (.ics), in the couple's language, with its manage link. */
  async function calendarFile(
    appointment: AppointmentRecord,
    opts: { locale: Locale; uidDomain: string; manageUrl: string },
  ): Promise<string> {
    const office = await schedule.getOffice(appointment.office.toString());
    return appointmentIcs({ appointment, office, ...opts });
  }

  async function get(appointmentId: Types.ObjectId | string): Promise<AppointmentRecord> {
    const found = await AppointmentModel.findById(appointmentId).lean<AppointmentRecord>();
    if (!found) throw notFound('booking.not_found');
    return found;
  }

  return {
    book,
    walkIn,
    findByToken,
    findByReference,
    findByReferenceAndToken,
    cancel,
    move,
    get,
    find,
    calendarFile,
    // The job system: reminders, digests, and the mark that a booking's jobs are scheduled.
    bookedAt,
    anyOn,
    markJobsScheduled,
    /** The no-show rule, also applied to lottery applications (issue 8). */
    assertNoShowPolicy,
  };
}

export type BookingService = ReturnType<typeof createBookingService>;
