// The demo a newcomer sees on the first `npm start`: one office in Chengdu with a weekly
// schedule, the next Qixi and 520 planned as peak days. Idempotent: running it again
// changes nothing that exists. The staff, ceremony and lottery parts follow it (seed/index.ts).
import { DateTime } from 'luxon';
import { qixiDate } from '../domain/peak-days.ts';
import type { WeekdayTemplate } from '../domain/schedule-types.ts';
import { DayPlanModel } from '../models/day-plan.model.ts';
import { OfficeModel } from '../models/office.model.ts';

export const DEMO_OFFICE_SLUG = 'jinjiang';

const weekday = (n: number): WeekdayTemplate => ({
  weekday: n,
  sessions: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '17:00' },
  ],
  slotMinutes: 30,
  windowsOpen: 4,
  couplesPerWindow: 3,
});

export interface SeedContext {
  now: Date;
  log: (line: string) => void;
}

export type Seeder = (ctx: SeedContext) => Promise<void>;

export async function seedDemoOffice(ctx: SeedContext): Promise<void> {
  const existing = await OfficeModel.findOne({ slug: DEMO_OFFICE_SLUG }).lean();
  if (existing) return;
  const office = await OfficeModel.create({
    slug: DEMO_OFFICE_SLUG,
    name: { zh: '锦江区婚姻登记处', en: 'Jinjiang District Marriage Registry' },
    address: {
      zh: '四川省成都市锦江区东大街 88 号',
      en: '88 Dongda Street, Jinjiang District, Chengdu, Sichuan',
    },
    phone: '028-8666 0000',
    timezone: 'Asia/Shanghai',
    documents: [
      // As the revised Marriage Registration Regulations (in force 10 May 2025) ask: no
      // household register (户口簿); the declaration is signed before the registrar.
      {
        zh: '双方本人有效居民身份证原件（境外人员：有效护照或往来内地通行证等有效证件）',
        en: 'Each partner’s original valid resident ID card (from outside the mainland: a valid passport or travel permit)',
      },
      {
        zh: '双方在婚姻登记员面前签署的无配偶以及与对方无直系血亲和三代以内旁系血亲关系的声明',
        en: 'A declaration, signed by both partners before the registrar, that neither has a spouse and that they are not related by direct blood or collateral blood within three generations',
      },
      {
        zh: '双方近期半身免冠 2 寸合影照片 3 张',
        en: 'Three recent 2-inch bare-headed, half-length photos of the two of you together',
      },
    ],
    weeklyTemplate: [1, 2, 3, 4, 5].map(weekday),
  });
  ctx.log(`seeded office ${office.name.zh}`);

  const today = DateTime.fromJSDate(ctx.now, { zone: office.timezone }).startOf('day');
  const peakDays = [nextQixi(today), nextDate(today, 5, 20)];
  for (const day of peakDays) {
    const opens = DateTime.fromISO(day.date, { zone: office.timezone }).minus({ days: 7 }).set({ hour: 9 });
    await DayPlanModel.updateOne(
      { office: office._id, date: day.date },
      {
        $setOnInsert: {
          kind: 'peak',
          label: day.label,
          sessions: [
            { start: '08:30', end: '12:00' },
            { start: '13:00', end: '18:00' },
          ],
          slotMinutes: 30,
          windowsOpen: 4,
          extraWindows: 2,
          couplesPerWindow: 3,
          message: {
            zh: '热门日期人多，请提前 30 分钟到场，并备齐证件和照片。',
            en: 'A busy day: please arrive 30 minutes early with your ID documents and photos.',
          },
          ...(opens.toMillis() > ctx.now.getTime() ? { bookingOpensAt: opens.toJSDate() } : {}),
          allocation: 'fcfs',
          // On Qixi a script could hold places with invented numbers: booking asks for a code.
          ...(day.label.en === 'Qixi' ? { requireVerifiedPhone: true } : {}),
        },
      },
      { upsert: true },
    );
    ctx.log(`seeded peak day ${day.date} (${day.label.zh})`);
  }
}

function nextQixi(today: DateTime) {
  let date = qixiDate(today.year);
  if (date < today.toISODate()!) date = qixiDate(today.year + 1);
  return { date, label: { zh: '七夕', en: 'Qixi' } };
}

function nextDate(today: DateTime, month: number, day: number) {
  let d = today.set({ month, day });
  if (d < today) d = d.plus({ years: 1 });
  return { date: d.toISODate()!, label: { zh: '520', en: '520' } };
}
