// A couple's application to a lottery day: the same checks as a booking (both partners'
// IDs, marriage age on the day, the no-show rule, no other active booking), one
// application per person per draw (a unique hold per ID fingerprint), and a preference
// the day can meet. The order of applying plays no part in the draw.
import { Types } from 'mongoose';
import { lotteryPhase, type Preference, preferenceProblem } from '../../domain/lottery.ts';
import { newReferenceCode } from '../../domain/reference-code.ts';
import type { Locale } from '../../i18n/locales.ts';
import { batchedFindByIds, batchedInsert } from '../../lib/batched-db.ts';
import { coalesce, succeeded } from '../../lib/coalesce.ts';
import { isDuplicate } from '../../lib/duplicate-key.ts';
import {
  ACTIVE_STATUSES,
  AppointmentModel,
  type AppointmentStatus,
  type Partner,
} from '../../models/appointment.model.ts';
import {
  LotteryApplicationModel,
  type NewLotteryApplication,
  newLotteryApplicationDocument,
} from '../../models/lottery-application.model.ts';
import { LotteryDrawModel } from '../../models/lottery-draw.model.ts';
import { LotteryPersonModel } from '../../models/lottery-person.model.ts';
import { PersonHoldModel } from '../../models/person-hold.model.ts';
import { checkPartners, type PartnerInput } from '../booking/check-partners.ts';
import { newManageToken } from '../booking/manage-token.ts';
import { AppError, type FieldMessage, invalid, notFound } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import type { DrawCache } from './draw-cache.ts';
import {
  type ApplicationRecord,
  type DrawRecord,
  type LotteryDeps,
  lapsedEvent,
  loadPlan,
  localText,
  lotteryOf,
  type PlanRecord,
} from './lottery-context.ts';
import { hashStatusToken, looksLikeStatusToken, lotteryBookingKey, statusToken } from './lottery-tokens.ts';

export interface ApplyInput {
  officeId: string;
  date: string;
  partners: PartnerInput[];
  email: string;
  language: Locale;
  preference: Preference;
  idempotencyKey?: string;
  channel: 'online' | 'api';
}

export interface ApplyResult {
  application: ApplicationRecord;
  token: string;
  created: boolean;
  /** The day's plan as the application was checked against (to show its status without reading it again). */
  plan?: PlanRecord | null;
}

export function createLotteryApplications(
  deps: LotteryDeps & {
    cache: DrawCache;
    fillDrawnDay: (office: OfficeRecord, date: string) => Promise<number>;
    cancelAppointment: (id: ApplicationRecord['appointment'], reason: string) => Promise<void>;
  },
) {
  const { clock, random, secret, events, schedule, booking, cache } = deps;
  // A rush of applications shares its database work like a rush of bookings (see lib/coalesce.ts).
  const holdsOf = batchedFindByIds<string, { _id: string; appointment: Types.ObjectId }>(
    () => PersonHoldModel.collection as never,
  );
  const statusesOf = batchedFindByIds<Types.ObjectId, { _id: Types.ObjectId; status: AppointmentStatus }>(
    () => AppointmentModel.collection as never,
    { projection: { status: 1 } },
  );
  const stillOpen = batchedFindByIds<Types.ObjectId, { _id: Types.ObjectId }>(
    () => LotteryDrawModel.collection as never,
    { where: { state: 'planned', listFrozenAt: null }, projection: { _id: 1 } },
  );
  const draws = coalesce<{ office: Types.ObjectId; date: string }, DrawRecord | null>(async (asks) => {
    const key = (office: Types.ObjectId, date: string) => `${office.toString()}|${date}`;
    const found = (await LotteryDrawModel.collection
      .find({
        office: { $in: [...new Map(asks.map((a) => [a.office.toString(), a.office])).values()] },
        date: { $in: [...new Set(asks.map((a) => a.date))] },
      })
      .toArray()) as unknown as DrawRecord[];
    const byKey = new Map(found.map((d) => [key(d.office, d.date), d]));
    return asks.map((a) => succeeded(byKey.get(key(a.office, a.date)) ?? null));
  });
  const drawOf = (office: Types.ObjectId, date: string) => draws({ office, date });
  const storeApplication = batchedInsert(() => LotteryApplicationModel.collection as never);
  const storePerson = batchedInsert(() => LotteryPersonModel.collection as never);

  async function existingForKey(key: string | undefined): Promise<ApplyResult | null> {
    if (!key) return null;
    const found = await LotteryApplicationModel.findOne({ idempotencyKey: key }).lean<ApplicationRecord>();
    return found ? { application: found, token: statusToken(secret, found._id), created: false } : null;
  }

  /** A partner holding an active booking must cancel it first: one person, one booking. */
  async function assertNoActiveBooking(partners: Partner[]) {
    const holds = await holdsOf(partners.map((p) => p.idFingerprint));
    if (holds.length === 0) return;
    const active = new Set(
      (await statusesOf(holds.map((h) => h.appointment)))
        .filter((a) => ACTIVE_STATUSES.includes(a.status))
        .map((a) => a._id.toString()),
    );
    for (const [i, partner] of partners.entries()) {
      const hold = holds.find((h) => h._id === partner.idFingerprint);
      if (hold && active.has(hold.appointment.toString())) {
        throw new AppError(
          'already_booked',
          'lottery.already_booked',
          {},
          { [`partners.${i}.idNumber`]: { key: 'lottery.already_booked' } },
        );
      }
    }
  }

  /** One application per person and draw: a hold per partner, undone if either already applied. */
  async function holdPeople(drawId: Types.ObjectId, applicationId: Types.ObjectId, partners: Partner[]) {
    const createdAt = new Date();
    const ids = partners.map((p) => `${drawId.toString()}:${p.idFingerprint}`);
    const results = await Promise.allSettled(
      ids.map((_id) => storePerson({ _id, application: applicationId, createdAt })),
    );
    const refused = results.findIndex((r) => r.status === 'rejected');
    if (refused < 0) return;
    const taken = ids.filter((_, i) => results[i]!.status === 'fulfilled');
    if (taken.length)
      await LotteryPersonModel.deleteMany({ _id: { $in: taken }, application: applicationId });
    const reason = (results[refused] as PromiseRejectedResult).reason;
    if (!isDuplicate(reason)) throw reason;
    throw new AppError(
      'already_booked',
      'lottery.already_applied',
      {},
      { [`partners.${refused}.idNumber`]: { key: 'lottery.already_applied' } },
    );
  }

  async function apply(input: ApplyInput): Promise<ApplyResult> {
    const again = await existingForKey(input.idempotencyKey);
    if (again) return again;

    const office = await schedule.getOffice(input.officeId);
    // The plan comes from the schedule's short cache; whether applications are still taken
    // is asked of the draw itself once the application is stored (below).
    const day = await schedule.daySchedule(office, input.date);
    const plan = (day.plan ?? null) as PlanRecord | null;
    const settings = lotteryOf(plan);
    const draw = settings ? await drawOf(office._id, input.date) : null;
    if (!settings || !draw) throw new AppError('not_found', 'lottery.not_lottery_day');
    const now = clock();
    const phase = lotteryPhase(settings, now, settings.drawnAt);
    if (phase === 'upcoming')
      throw new AppError('booking_not_open', 'lottery.not_open', {
        opensAt: localText(settings.opensAt, office.timezone),
      });
    if (phase !== 'open' || draw.state !== 'planned')
      throw new AppError('booking_closed', 'lottery.closed', {
        closedAt: localText(settings.closesAt, office.timezone),
      });

    const checked = checkPartners(input.partners, input.date, office.eligibility, secret);
    const fields: Record<string, FieldMessage> = checked.ok ? {} : { ...checked.fields };
    const problem = preferenceProblem(
      input.preference,
      day.slots.map((slot) => slot.start),
    );
    if (problem) fields.preference = { key: `lottery.preference.${problem}` };
    if (!checked.ok || Object.keys(fields).length > 0) throw invalid(fields);
    // Both asked at once; the no-show refusal comes first, as if asked before.
    const [noShow, active] = await Promise.allSettled([
      booking.assertNoShowPolicy(office, checked.partners),
      assertNoActiveBooking(checked.partners),
    ]);
    if (noShow.status === 'rejected') throw noShow.reason;
    if (active.status === 'rejected') throw active.reason;

    const _id = new Types.ObjectId();
    const token = statusToken(secret, _id);
    let application: ApplicationRecord;
    try {
      application = await insertApplication({
        _id,
        draw: draw._id,
        office: office._id,
        date: input.date,
        partners: checked.partners,
        email: input.email.trim(),
        language: input.language,
        preference: input.preference,
        tokenHash: hashStatusToken(token),
        ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
        appliedAt: now,
        history: [{ at: now, type: 'applied', by: input.channel }],
      });
      await holdPeople(draw._id, _id, checked.partners);
      // The list may have been frozen (the window closed) while this was being saved.
      if ((await stillOpen([draw._id])).length === 0) {
        await LotteryPersonModel.deleteMany({ application: _id });
        throw new AppError('booking_closed', 'lottery.closed', {
          closedAt: localText(settings.closesAt, office.timezone),
        });
      }
    } catch (err) {
      // Undo by _id whatever got stored: a failed command may still have written.
      await LotteryApplicationModel.deleteOne({ _id });
      await LotteryPersonModel.deleteMany({ application: _id });
      if (isDuplicate(err, 'idempotencyKey')) {
        const winner = await existingForKey(input.idempotencyKey);
        if (winner) return winner;
      }
      throw err;
    }
    events.emit({
      type: 'lottery.applied',
      applicationId: _id.toString(),
      officeId: office._id.toString(),
      date: input.date,
    });
    return { application, token, created: true, plan };
  }

  async function insertApplication(
    fields: Omit<NewLotteryApplication, 'reference'>,
  ): Promise<ApplicationRecord> {
    for (let attempt = 0; ; attempt++) {
      // Stamped with the real time, as Mongoose's timestamps are, not the service clock.
      const doc = newLotteryApplicationDocument(
        { ...fields, reference: newReferenceCode(random) },
        new Date(),
      );
      try {
        await storeApplication(doc);
        return doc;
      } catch (err) {
        if (attempt < 5 && isDuplicate(err, 'reference')) continue;
        throw err;
      }
    }
  }

  async function findByToken(token: string): Promise<ApplicationRecord> {
    if (!looksLikeStatusToken(token)) throw notFound('lottery.not_found');
    const found = await LotteryApplicationModel.findOne({
      tokenHash: hashStatusToken(token),
    }).lean<ApplicationRecord>();
    if (!found) throw notFound('lottery.not_found');
    return found;
  }

  async function findByReferenceAndToken(reference: string, token: string): Promise<ApplicationRecord> {
    const found = await findByToken(token);
    if (found.reference !== reference.trim().toUpperCase()) throw notFound('lottery.not_found');
    return found;
  }

  /** Everything the couple's status page shows about an application, computed with the clock. */
  /** Where an application stands; `plan`, when the caller has just read it, saves reading it again. */
  async function status(application: ApplicationRecord, plan?: PlanRecord | null) {
    const office = await schedule.getOffice(application.office.toString());
    const settings = lotteryOf(plan !== undefined ? plan : await loadPlan(office, application.date));
    const now = clock();
    const phase = settings ? lotteryPhase(settings, now, settings.drawnAt) : 'drawn';
    let rank = application.rank;
    if (rank === undefined && phase === 'drawn' && application.status === 'applied') {
      rank = (await cache.order(application.draw)).rankOf.get(application.reference);
      if (rank !== undefined)
        await LotteryApplicationModel.updateOne({ _id: application._id }, { $set: { rank } });
    }
    const hasAppointment =
      (application.status === 'offered' || application.status === 'confirmed') && application.appointment;
    const appointment = hasAppointment ? await booking.get(application.appointment!).catch(() => null) : null;
    return {
      application,
      office,
      lottery: settings ? { ...settings, phase } : undefined,
      rank,
      appointment,
      /** The appointment's own manage link, once the place is confirmed. */
      manageToken:
        application.status === 'confirmed' && appointment
          ? newManageToken(random, secret, lotteryBookingKey(application._id))
          : undefined,
      canWithdraw: phase === 'open' && application.status === 'applied',
      canConfirm:
        application.status === 'offered' &&
        Boolean(appointment && appointment.status === 'booked') &&
        (application.confirmBy?.getTime() ?? 0) > now.getTime(),
    };
  }

  async function withdraw(token: string): Promise<ApplicationRecord> {
    const application = await findByToken(token);
    const office = await schedule.getOffice(application.office.toString());
    const settings = lotteryOf(await loadPlan(office, application.date));
    const now = clock();
    if (!settings || lotteryPhase(settings, now, settings.drawnAt) !== 'open')
      throw new AppError('conflict', 'lottery.cannot_withdraw');
    const updated = await LotteryApplicationModel.findOneAndUpdate(
      { _id: application._id, status: 'applied' },
      {
        $set: { status: 'withdrawn', endedAt: now },
        $push: { history: { at: now, type: 'withdrawn', by: 'couple' } },
      },
      { returnDocument: 'after' },
    ).lean<ApplicationRecord>();
    if (!updated) throw new AppError('conflict', 'lottery.cannot_withdraw');
    // The couple may apply again while the window is open: the one-per-person holds go.
    await LotteryPersonModel.deleteMany({ application: application._id });
    return updated;
  }

  async function confirm(token: string): Promise<ApplicationRecord> {
    const application = await findByToken(token);
    if (application.status === 'confirmed') return application;
    const now = clock();
    const appointment = application.appointment
      ? await booking.get(application.appointment).catch(() => null)
      : null;
    if (application.status !== 'offered' || !appointment || appointment.status !== 'booked')
      throw new AppError('conflict', 'lottery.cannot_confirm');
    const updated = await LotteryApplicationModel.findOneAndUpdate(
      { _id: application._id, status: 'offered', confirmBy: { $gt: now } },
      {
        $set: { status: 'confirmed', confirmedAt: now },
        $push: { history: { at: now, type: 'confirmed', by: 'couple' } },
      },
      { returnDocument: 'after' },
    ).lean<ApplicationRecord>();
    if (!updated) throw new AppError('conflict', 'lottery.offer_expired');
    events.emit({
      type: 'lottery.confirmed',
      applicationId: application._id.toString(),
      appointmentId: appointment._id.toString(),
    });
    return updated;
  }

  /** The couple gives the place back: its appointment is cancelled and the place goes down the line now. */
  async function decline(token: string): Promise<ApplicationRecord> {
    const application = await findByToken(token);
    const now = clock();
    const updated = await LotteryApplicationModel.findOneAndUpdate(
      { _id: application._id, status: 'offered' },
      {
        $set: { status: 'declined', endedAt: now },
        $push: { history: { at: now, type: 'declined', by: 'couple' } },
      },
      { returnDocument: 'after' },
    ).lean<ApplicationRecord>();
    if (!updated) throw new AppError('conflict', 'lottery.cannot_decline');
    await deps.cancelAppointment(application.appointment, 'lottery_declined');
    events.emit(lapsedEvent(application, 'declined'));
    const office = await schedule.getOffice(application.office.toString());
    await deps.fillDrawnDay(office, application.date);
    return updated;
  }

  /** The path of an application's private status page (for messages sent by the job system). */
  function statusPath(applicationId: string): string {
    return `/lottery/a/${statusToken(secret, applicationId)}`;
  }

  return { apply, findByToken, findByReferenceAndToken, status, withdraw, confirm, decline, statusPath };
}
