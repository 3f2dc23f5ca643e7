// What staff do to a lottery day from the console, each change written to the audit log with
// who made it and the office: the day's mode and times, its reserved pool, the draw when its
// time has come, a priority booking. The rules are lottery-setup.ts's and lottery-draw.ts's;
// the seed and the jobs call those directly.
import type { BookingRequest } from '../booking/booking-service.ts';
import { drawIfDue } from './lottery-draw.ts';
import type { DrawDeps } from './lottery-offers.ts';
import {
  bookFromReserve,
  configureDay,
  type LotteryDayInput,
  type ReserveInput,
  setReserve,
} from './lottery-setup.ts';

/** A member of staff's id (their name is looked up for the log). */
type StaffId = string;

const dayTarget = (officeId: string, date: string) => `day:${officeId}:${date}`;

export async function configureDayAsStaff(
  deps: DrawDeps,
  officeId: string,
  date: string,
  input: LotteryDayInput,
  actor: StaffId,
) {
  await configureDay(deps, officeId, date, input);
  await deps.audit.record({
    actor,
    action: 'lottery.settings',
    target: dayTarget(officeId, date),
    after: input,
    officeId,
  });
}

export async function setReserveAsStaff(
  deps: DrawDeps,
  officeId: string,
  date: string,
  input: ReserveInput,
  actor: StaffId,
) {
  const result = await setReserve(deps, officeId, date, input, actor);
  await deps.audit.record({
    actor,
    action: 'lottery.reserve',
    target: dayTarget(officeId, date),
    after: { ...input, shortfall: result.shortfall },
    officeId,
  });
  return result;
}

/** "Draw now", once the draw time has passed (when no job runner did it). */
export async function drawAsStaff(deps: DrawDeps, officeId: string, date: string, actor: StaffId) {
  await drawIfDue(deps, officeId, date);
  await deps.audit.record({ actor, action: 'lottery.draw', target: dayTarget(officeId, date), officeId });
}

/** The priority channel: a couple booked into a place held back in the reserve. */
export async function bookFromReserveAsStaff(
  deps: DrawDeps,
  req: Omit<BookingRequest, 'channel' | 'fromReserve' | 'allowOverbook' | 'actor'>,
  actor: StaffId,
) {
  const result = await bookFromReserve(deps, { ...req, actor });
  const a = result.appointment;
  await deps.audit.record({
    actor,
    action: 'lottery.priority_booking',
    target: { kind: 'appointment', id: a._id.toString(), label: a.reference },
    officeId: req.officeId,
  });
  return result;
}
