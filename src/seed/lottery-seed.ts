// The demo's lottery: the next 520 is given out by lottery, with applications open from
// today until two weeks before the day, so a newcomer can apply at once and read the draw's
// published commitment on the day's page. Idempotent: a day already in lottery mode is left.
import { DateTime } from 'luxon';
import type { Container } from '../container.ts';
import { addDays } from '../domain/local-time.ts';
import { DayPlanModel } from '../models/day-plan.model.ts';
import { OfficeModel } from '../models/office.model.ts';
import { DEMO_OFFICE_SLUG, type Seeder } from './demo-seed.ts';

export function lotterySeeder(container: Container): Seeder {
  return async (ctx) => {
    const found = await OfficeModel.findOne({ slug: DEMO_OFFICE_SLUG }, { _id: 1, timezone: 1 }).lean();
    if (!found) return;
    const zone = found.timezone;
    const now = DateTime.fromJSDate(ctx.now, { zone });
    const plan = await DayPlanModel.findOne({
      office: found._id,
      'label.zh': '520',
      date: { $gt: now.toISODate()! },
    }).lean();
    if (!plan || plan.allocation === 'lottery') return;
    const closes = `${addDays(plan.date, -14)}T18:00`;
    if (DateTime.fromISO(closes, { zone }) <= now.plus({ days: 1 })) return;
    await container.services.lottery.configureDay(found._id.toString(), plan.date, {
      mode: 'lottery',
      opensAt: now.startOf('day').toFormat("yyyy-MM-dd'T'HH:mm"),
      closesAt: closes,
      drawAt: `${addDays(plan.date, -13)}T10:00`,
      confirmHours: 48,
    });
    ctx.log(`seeded lottery for ${plan.date} (520): applications until ${closes}`);
  };
}
