// The coordinator's use cases on a ceremony session: create, edit, open, close or mark held.
// Cancelling one, and the deadline sweep, are ceremony-closing.ts's.
import { isLocalDate, isLocalTime, wallTimeExists, zonedInstant } from '../../domain/local-time.ts';
import type { Bilingual } from '../../domain/schedule-types.ts';
import { AppointmentModel } from '../../models/appointment.model.ts';
import { CeremonyModel, type CeremonyStatus } from '../../models/ceremony.model.ts';
import {
  ACTIVE_SEAT_STATES,
  CeremonySeatModel,
  HOLDING_SEAT_STATES,
} from '../../models/ceremony-seat.model.ts';
import { AppError, type FieldMessage, invalid } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import { appointmentFacts, type CeremonyContext, ceremonyFacts } from './ceremony-context.ts';
import { type CeremonyRecord, ceremonyInfo, loadCeremony } from './ceremony-records.ts';
import { keepProblem } from './join-rules.ts';
import { fillSeats } from './seat-filling.ts';

/** What a coordinator enters; dates and times are office-local labels. */
export interface CeremonyInput {
  date: string;
  start: string;
  durationMinutes: number;
  title: Bilingual;
  theme?: Bilingual;
  hall: Bilingual;
  presenter?: Bilingual;
  programme?: Bilingual;
  seats: number;
  minCouples: number;
  /** 'yyyy-MM-ddTHH:mm' in the office's zone. */
  signupDeadline: string;
  offerHours: number;
}

export const MAX_SEATS = 200;

/** Which statuses a ceremony may come from to reach each status (cancelling has its own use case). */
const TRANSITIONS: Record<Exclude<CeremonyStatus, 'cancelled'>, CeremonyStatus[]> = {
  draft: ['open'],
  open: ['draft', 'closed'],
  closed: ['open'],
  held: ['open', 'closed'],
};

const optional = (b: Bilingual | undefined) => (b?.zh ? { zh: b.zh, en: b.en ?? '' } : undefined);

/** Checks the input against the office's calendar and turns local labels into instants. */
function resolve(input: CeremonyInput, office: OfficeRecord) {
  const fields: Record<string, FieldMessage> = {};
  if (!isLocalDate(input.date)) fields.date = { key: 'field.invalid_date' };
  if (!isLocalTime(input.start)) fields.start = { key: 'field.invalid_time' };
  else if (isLocalDate(input.date) && !wallTimeExists(input.date, input.start, office.timezone))
    fields.start = { key: 'field.invalid_time' };
  const [dDate, dTime] = input.signupDeadline.split('T');
  const deadlineOk = Boolean(dDate && dTime && isLocalDate(dDate) && isLocalTime(dTime));
  if (!deadlineOk) fields.signupDeadline = { key: 'field.invalid_date' };
  if (input.minCouples > input.seats)
    fields.minCouples = { key: 'ceremony.error.min_above_seats', params: { seats: input.seats } };
  if (Object.keys(fields).length) throw invalid(fields);
  const startsAt = zonedInstant(input.date, input.start, office.timezone);
  const signupDeadline = zonedInstant(dDate!, dTime!, office.timezone);
  if (signupDeadline.getTime() > startsAt.getTime())
    throw invalid({ signupDeadline: { key: 'ceremony.error.deadline_after_start' } });
  return {
    date: input.date,
    start: input.start,
    durationMinutes: input.durationMinutes,
    startsAt,
    endsAt: new Date(startsAt.getTime() + input.durationMinutes * 60_000),
    title: { zh: input.title.zh, en: input.title.en ?? '' },
    theme: optional(input.theme),
    hall: { zh: input.hall.zh, en: input.hall.en ?? '' },
    presenter: optional(input.presenter),
    programme: optional(input.programme),
    seats: input.seats,
    minCouples: input.minCouples,
    signupDeadline,
    offerHours: input.offerHours,
  };
}

/** How a session is opened: on a day the office is closed only when the coordinator says so. */
export interface OpenOptions {
  openOnClosedDay?: boolean;
}

/** Whether the office is closed on the date (its template or a day plan). */
export async function isClosedDay(deps: CeremonyContext, officeId: string, date: string): Promise<boolean> {
  const office = await deps.schedule.getOffice(officeId);
  return !(await deps.schedule.daySchedule(office, date)).open;
}

/**
 * Couples join a ceremony through a booking on its day, and the public pages list it: on a
 * closed day neither makes sense, so opening one there takes an explicit override.
 */
async function assertOpenable(deps: CeremonyContext, office: OfficeRecord, date: string, opts: OpenOptions) {
  if (opts.openOnClosedDay || !(await isClosedDay(deps, office._id.toString(), date))) return;
  const message = { key: 'ceremony.error.closed_day', params: { date } } as const;
  throw new AppError('conflict', message.key, message.params, { date: message });
}

export async function create(
  deps: CeremonyContext,
  officeId: string,
  input: CeremonyInput,
  opts: { status?: 'draft' | 'open'; actor?: string } & OpenOptions = {},
): Promise<CeremonyRecord> {
  const { clock, schedule } = deps;
  const office = await schedule.getOffice(officeId);
  const values = resolve(input, office);
  if (values.startsAt.getTime() <= clock().getTime())
    throw invalid({ date: { key: 'ceremony.error.in_past' } }, 'ceremony.error.in_past');
  if (opts.status === 'open') await assertOpenable(deps, office, values.date, opts);
  const created = await CeremonyModel.create({
    ...values,
    office: office._id,
    status: opts.status ?? 'draft',
    seatsTaken: 0,
    waitlist: [],
    orderSeq: 0,
    ...(opts.actor ? { createdBy: opts.actor, updatedBy: opts.actor } : {}),
  });
  return created.toObject() as CeremonyRecord;
}

/**
 * Edits a session. The office never changes; the date and time move only if every couple in
 * the ceremony still meets the rule, and seats never drop below the couples already seated
 * (nobody is taken out by an edit). More seats go to the waitlist at once.
 */
export async function update(
  deps: CeremonyContext,
  id: string,
  input: CeremonyInput,
  actor?: string,
  opts: OpenOptions = {},
): Promise<CeremonyRecord> {
  const { schedule } = deps;
  const c = await loadCeremony(id);
  if (c.status === 'cancelled' || c.status === 'held')
    throw new AppError('conflict', 'ceremony.error.not_editable');
  const office = await schedule.getOffice(c.office.toString());
  const values = resolve(input, office);
  if (c.status === 'open' && values.date !== c.date) await assertOpenable(deps, office, values.date, opts);
  if (values.date !== c.date || values.startsAt.getTime() !== c.startsAt.getTime())
    await assertCouplesStillFit(c, values, office);
  const updated = await CeremonyModel.findOneAndUpdate(
    { _id: c._id, status: { $nin: ['cancelled', 'held'] }, seatsTaken: { $lte: values.seats } },
    {
      $set: { ...values, ...(actor ? { updatedBy: actor } : {}) },
      $unset: {
        ...(values.theme ? {} : { theme: 1 }),
        ...(values.presenter ? {} : { presenter: 1 }),
        ...(values.programme ? {} : { programme: 1 }),
      },
    },
    { returnDocument: 'after' },
  ).lean<CeremonyRecord>();
  if (!updated) {
    const now = await loadCeremony(c._id);
    if (now.seatsTaken > values.seats)
      throw invalid({
        seats: { key: 'ceremony.error.seats_below_taken', params: { taken: now.seatsTaken } },
      });
    throw new AppError('conflict', 'ceremony.error.not_editable');
  }
  // Told before seats are filled: a seat offered now is offered with the new values already.
  await tellOfChange(deps, c, updated);
  await fillSeats(deps, updated._id);
  return loadCeremony(updated._id);
}

/** A change of date, start or hall goes to every couple seated or offered a seat; nothing else does. */
async function tellOfChange(
  deps: CeremonyContext,
  before: CeremonyRecord,
  after: CeremonyRecord,
): Promise<void> {
  const { clock, events } = deps;
  const hallChanged = before.hall.zh !== after.hall.zh || (before.hall.en ?? '') !== (after.hall.en ?? '');
  if (before.date === after.date && before.start === after.start && !hallChanged) return;
  const holders = await CeremonySeatModel.find(
    { ceremony: after._id, state: { $in: HOLDING_SEAT_STATES } },
    { appointment: 1 },
  ).lean();
  const was = ceremonyInfo(before);
  events.emit({
    type: 'ceremony.changed',
    ceremonyId: after._id.toString(),
    appointmentIds: holders.map((s) => s.appointment.toString()),
    ceremony: ceremonyInfo(after),
    previous: {
      date: before.date,
      start: before.start,
      ...(hallChanged ? { hallName: was.hallName } : {}),
    },
    changedAt: clock(),
  });
}

async function assertCouplesStillFit(
  c: CeremonyRecord,
  next: { date: string; startsAt: Date },
  office: OfficeRecord,
): Promise<void> {
  const seats = await CeremonySeatModel.find(
    { ceremony: c._id, state: { $in: ACTIVE_SEAT_STATES } },
    { appointment: 1 },
  ).lean();
  if (seats.length === 0) return;
  if (next.date !== c.date) throw new AppError('conflict', 'ceremony.error.date_locked', { n: seats.length });
  const appointments = await AppointmentModel.find(
    { _id: { $in: seats.map((s) => s.appointment) } },
    { office: 1, date: 1, endsAt: 1, status: 1 },
  ).lean();
  const moved = { ...ceremonyFacts(c), startsAt: next.startsAt };
  const broken = appointments.filter((a) =>
    keepProblem({
      ceremony: moved,
      appointment: appointmentFacts(a),
      bufferMinutes: office.ceremonyBufferMinutes,
    }),
  );
  if (broken.length) throw new AppError('conflict', 'ceremony.error.time_breaks', { n: broken.length });
}

export async function setStatus(
  deps: CeremonyContext,
  id: string,
  to: Exclude<CeremonyStatus, 'cancelled'>,
  actor?: string,
  opts: OpenOptions = {},
): Promise<CeremonyRecord> {
  const { clock, schedule } = deps;
  const c = await loadCeremony(id);
  if (to === 'open' && c.signupDeadline.getTime() <= clock().getTime())
    throw new AppError('conflict', 'ceremony.error.deadline_passed');
  if (to === 'open') await assertOpenable(deps, await schedule.getOffice(c.office.toString()), c.date, opts);
  // Back to draft only while nobody has joined: a draft is invisible to couples.
  const empty = to === 'draft' ? { seatsTaken: 0, 'waitlist.0': { $exists: false } } : {};
  const updated = await CeremonyModel.findOneAndUpdate(
    { _id: c._id, status: { $in: TRANSITIONS[to] }, ...empty },
    { $set: { status: to, ...(actor ? { updatedBy: actor } : {}) } },
    { returnDocument: 'after' },
  ).lean<CeremonyRecord>();
  if (!updated) {
    const allowed = TRANSITIONS[to].includes((await loadCeremony(c._id)).status);
    throw new AppError(
      'conflict',
      allowed && to === 'draft' ? 'ceremony.error.draft_has_couples' : 'ceremony.error.bad_transition',
    );
  }
  if (to === 'open') await fillSeats(deps, updated._id);
  return updated;
}
