// A couple's application to a lottery day: the same checks as a booking (both partners' IDs,
// marriage age on the day, the no-show rule, no other active booking), one application per
// person per draw (a unique hold per ID fingerprint), and a preference the day can meet. The
// order of applying plays no part in the draw. A rush of applications shares its database
// work like a rush of bookings (see lib/coalesce.ts).
import { Types } from 'mongoose';
import { localDateTimeOf } from '../../domain/local-time.ts';
import { lotteryPhase, type Preference, preferenceProblem } from '../../domain/lottery.ts';
import { newReferenceCode } from '../../domain/reference-code.ts';
import type { DaySchedule } from '../../domain/schedule-types.ts';
import type { Locale } from '../../i18n/locales.ts';
import { batchedFindByIds, batchedInsert } from '../../lib/batched-db.ts';
import { coalesce, succeeded } from '../../lib/coalesce.ts';
import { isDuplicate } from '../../lib/duplicate-key.ts';
import { fingerprintSecret } from '../../lib/secret-keys.ts';
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
import { HOLD_WRITE_WITHIN_MS } from '../booking/person-holds.ts';
import { AppError, type FieldMessage, invalid } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import {
  assertVerifiedPhone,
  contactPhoneOf,
  requiresVerifiedPhone,
} from '../verification/verified-phone.ts';
import { type ApplicationRecord, type DrawRecord, lotteryOf, type PlanRecord } from './lottery-context.ts';
import type { DrawDeps } from './lottery-offers.ts';
import { holdPeople } from './lottery-persons.ts';
import { hashStatusToken, statusToken, storedStatusToken } from './lottery-tokens.ts';

export interface ApplyInput {
  officeId: string;
  date: string;
  partners: PartnerInput[];
  /** Optional: without one, messages go by text to the contact phone only. */
  email?: string | undefined;
  /** Whose phone messages go to: 0 the first partner's (default), 1 the second's. */
  contactPartner?: number | undefined;
  /** The code sent to the contact phone, on days that ask for a verified phone. */
  verificationCode?: string | undefined;
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

/** The database work of applications, gathered across concurrent requests. */
export function createApplicationWrites() {
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
  return {
    holdsOf: batchedFindByIds<string, { _id: string; appointment: Types.ObjectId }>(
      () => PersonHoldModel.collection as never,
    ),
    statusesOf: batchedFindByIds<Types.ObjectId, { _id: Types.ObjectId; status: AppointmentStatus }>(
      () => AppointmentModel.collection as never,
      { projection: { status: 1 } },
    ),
    stillOpen: batchedFindByIds<Types.ObjectId, { _id: Types.ObjectId }>(
      () => LotteryDrawModel.collection as never,
      {
        where: { state: 'planned', listFrozenAt: null },
        projection: { _id: 1 },
      },
    ),
    drawOf: (office: Types.ObjectId, date: string) => draws({ office, date }),
    storeApplication: batchedInsert(() => LotteryApplicationModel.collection as never),
    storePerson: batchedInsert(() => LotteryPersonModel.collection as never),
  };
}

export type ApplyDeps = DrawDeps & { writes: ReturnType<typeof createApplicationWrites> };

interface OpenDay {
  office: OfficeRecord;
  day: DaySchedule;
  plan: PlanRecord | null;
  closesAt: Date;
  draw: DrawRecord;
  now: Date;
}

export async function apply(deps: ApplyDeps, input: ApplyInput): Promise<ApplyResult> {
  const again = await existingForKey(deps, input.idempotencyKey);
  if (again) return again;
  const open = await openDay(deps, input);
  const partners = await checkApplicants(deps, input, open);
  if (requiresVerifiedPhone(open.office, open.plan))
    await assertVerifiedPhone(
      deps.checkPhone,
      contactPhoneOf(input.partners, input.contactPartner),
      input.verificationCode,
    );
  const _id = new Types.ObjectId();
  const token = statusToken(deps.secret, _id);
  let application: ApplicationRecord;
  try {
    application = await store(deps, input, open, { _id, partners, token });
  } catch (err) {
    // Undo by _id whatever got stored: a failed command may still have written.
    await LotteryApplicationModel.deleteOne({ _id });
    await LotteryPersonModel.deleteMany({ application: _id });
    // A simultaneous retry with the same key may have won: by the key's unique index, or by
    // taking the partners' records first.
    const winner = input.idempotencyKey ? await existingForKey(deps, input.idempotencyKey) : null;
    if (winner) return winner;
    throw err;
  }
  deps.events.emit({
    type: 'lottery.applied',
    applicationId: _id.toString(),
    officeId: open.office._id.toString(),
    date: input.date,
  });
  return { application, token, created: true, plan: open.plan };
}

/** The day, if it is a lottery day taking applications now. */
async function openDay(deps: ApplyDeps, input: ApplyInput): Promise<OpenDay> {
  const office = await deps.schedule.getOffice(input.officeId);
  // The plan comes from the schedule's short cache; whether applications are still taken
  // is asked of the draw itself once the application is stored (see store).
  const day = await deps.schedule.daySchedule(office, input.date);
  const plan = (day.plan ?? null) as PlanRecord | null;
  const settings = lotteryOf(plan);
  const draw = settings ? await deps.writes.drawOf(office._id, input.date) : null;
  if (!settings || !draw) throw new AppError('not_found', 'lottery.not_lottery_day');
  const now = deps.clock();
  const phase = lotteryPhase(settings, now, settings.drawnAt);
  if (phase === 'upcoming')
    throw new AppError('booking_not_open', 'lottery.not_open', {
      opensAt: localDateTimeOf(settings.opensAt, office.timezone),
    });
  if (phase !== 'open' || draw.state !== 'planned') throw closed(settings.closesAt, office);
  return { office, day, plan, closesAt: settings.closesAt, draw, now };
}

const closed = (closesAt: Date, office: OfficeRecord) =>
  new AppError('booking_closed', 'lottery.closed', { closedAt: localDateTimeOf(closesAt, office.timezone) });

/** Both partners checked as for a booking, and a preference the day can meet. */
async function checkApplicants(deps: ApplyDeps, input: ApplyInput, open: OpenDay): Promise<Partner[]> {
  const checked = checkPartners(input.partners, input.date, open.office.eligibility, fingerprintSecret(deps));
  const fields: Record<string, FieldMessage> = checked.ok ? {} : { ...checked.fields };
  const problem = preferenceProblem(
    input.preference,
    open.day.slots.map((slot) => slot.start),
  );
  if (problem) fields.preference = { key: `lottery.preference.${problem}` };
  if (!checked.ok || Object.keys(fields).length > 0) throw invalid(fields);
  // Both asked at once; the no-show refusal comes first, as if asked before.
  const [noShow, active] = await Promise.allSettled([
    deps.booking.assertNoShowPolicy(open.office, checked.partners),
    assertNoActiveBooking(deps, checked.partners),
  ]);
  if (noShow.status === 'rejected') throw noShow.reason;
  if (active.status === 'rejected') throw active.reason;
  return checked.partners;
}

async function store(
  deps: ApplyDeps,
  input: ApplyInput,
  open: OpenDay,
  a: { _id: Types.ObjectId; partners: Partner[]; token: string },
): Promise<ApplicationRecord> {
  // The partners' records first: an application never stands without them (lottery-persons.ts).
  const heldAt = Date.now();
  await holdPeople(deps.writes.storePerson, open.draw._id, a._id, a.partners);
  // Past this, another application may already take the records for stale: give up instead.
  if (Date.now() - heldAt > HOLD_WRITE_WITHIN_MS) throw new AppError('unavailable', 'error.503');
  const application = await insertApplication(deps, {
    _id: a._id,
    draw: open.draw._id,
    office: open.office._id,
    date: input.date,
    partners: a.partners,
    email: (input.email ?? '').trim(),
    ...(input.contactPartner === 1 ? { contactPartner: 1 } : {}),
    language: input.language,
    preference: input.preference,
    tokenHash: hashStatusToken(a.token),
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    appliedAt: open.now,
    history: [{ at: open.now, type: 'applied', by: input.channel }],
  });
  // The list may have been frozen (the window closed) while this was being saved.
  if ((await deps.writes.stillOpen([open.draw._id])).length === 0) {
    await LotteryPersonModel.deleteMany({ application: a._id });
    throw closed(open.closesAt, open.office);
  }
  return application;
}

async function existingForKey(deps: ApplyDeps, key: string | undefined): Promise<ApplyResult | null> {
  if (!key) return null;
  const found = await LotteryApplicationModel.findOne({ idempotencyKey: key }).lean<ApplicationRecord>();
  return found ? { application: found, token: storedStatusToken(deps, found), created: false } : null;
}

/** A partner holding an active booking must cancel it first: one person, one booking. */
async function assertNoActiveBooking(deps: ApplyDeps, partners: Partner[]) {
  const holds = await deps.writes.holdsOf(partners.map((p) => p.idFingerprint));
  if (holds.length === 0) return;
  const active = new Set(
    (await deps.writes.statusesOf(holds.map((h) => h.appointment)))
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

async function insertApplication(
  deps: ApplyDeps,
  fields: Omit<NewLotteryApplication, 'reference'>,
): Promise<ApplicationRecord> {
  for (let attempt = 0; ; attempt++) {
    // Stamped with the real time, as Mongoose's timestamps are, not the service clock.
    const doc = newLotteryApplicationDocument(
      { ...fields, reference: newReferenceCode(deps.random) },
      new Date(),
    );
    try {
      await deps.writes.storeApplication(doc);
      return doc;
    } catch (err) {
      if (attempt < 5 && isDuplicate(err, 'reference')) continue;
      throw err;
    }
  }
}
