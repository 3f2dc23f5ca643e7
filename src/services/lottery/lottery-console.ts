// What staff do to a lottery day from the console, each change written to the audit log with
// who made it and the office: the day's mode and times, its reserved pool, the draw when its
// time has come, a priority booking. The rules are lottery-setup.ts's and lottery-draw.ts's;
// the seed and the jobs call those directly.
import type { BookingRequest } from '../booking/booking-service.ts';
import type { LotteryDeps } from './lottery-context.ts';
import type { createLotteryDraws } from './lottery-draw.ts';
import type { createLotterySetup, LotteryDayInput, ReserveInput } from './lottery-setup.ts';

/** A member of staff's id (their name is looked up for the log). */
type StaffId = string;

export function createLotteryConsole(
  deps: Pick<LotteryDeps, 'audit'>,
  setup: ReturnType<typeof createLotterySetup>,
  draws: ReturnType<typeof createLotteryDraws>,
) {
  const { audit } = deps;
  const day = (officeId: string, date: string) => `day:${officeId}:${date}`;

  async function configureDay(officeId: string, date: string, input: LotteryDayInput, actor: StaffId) {
    await setup.configureDay(officeId, date, input);
    await audit.record({
      actor,
      action: 'lottery.settings',
      target: day(officeId, date),
      after: input,
      officeId,
    });
  }

  async function setReserve(officeId: string, date: string, input: ReserveInput, actor: StaffId) {
    const result = await setup.setReserve(officeId, date, input, actor);
    await audit.record({
      actor,
      action: 'lottery.reserve',
      target: day(officeId, date),
      after: { ...input, shortfall: result.shortfall },
      officeId,
    });
    return result;
  }

  /** "Draw now", once the draw time has passed (when no job runner did it). */
  async function draw(officeId: string, date: string, actor: StaffId) {
    await draws.drawIfDue(officeId, date);
    await audit.record({ actor, action: 'lottery.draw', target: day(officeId, date), officeId });
  }

  /** The priority channel: a couple booked into a place held back in the reserve. */
  async function bookFromReserve(
    req: Omit<BookingRequest, 'channel' | 'fromReserve' | 'allowOverbook' | 'actor'>,
    actor: StaffId,
  ) {
    const result = await setup.bookFromReserve({ ...req, actor });
    const a = result.appointment;
    await audit.record({
      actor,
      action: 'lottery.priority_booking',
      target: { kind: 'appointment', id: a._id.toString(), label: a.reference },
      officeId: req.officeId,
    });
    return result;
  }

  return { configureDay, setReserve, draw, bookFromReserve };
}
