// The demo's ceremonies: one on the demo office's Qixi peak day with seven seats (as in
// Chengdu on Qixi 2024), and one within the next two weeks on an open weekday, so that a
// newcomer can book a slot and join it at once. Idempotent: it never adds a second one.

import type { Container } from '../container.ts';
import { addDays, localDateOf } from '../domain/local-time.ts';
import { CeremonyModel } from '../models/ceremony.model.ts';
import { DayPlanModel } from '../models/day-plan.model.ts';
import { OfficeModel } from '../models/office.model.ts';
import type { CeremonyInput } from '../services/ceremony/ceremony-service.ts';
import { DEMO_OFFICE_SLUG, type Seeder } from './demo-seed.ts';

const SEED_ACTOR = 'seed';
const HALL = { zh: '二楼颁证大厅', en: 'Certificate Hall, 2nd floor' };
const PROGRAMME = {
  zh: '新人红毯入场\n宣读结婚誓言\n颁证嘉宾颁发结婚证\n拥抱、放飞气球\n集体合影',
  en: 'Red-carpet entrance\nMarriage vows\nCertificates handed over by the guest presenter\nA hug and balloons\nGroup photo',
};

const dayBefore5pm = (date: string) => `${addDays(date, -1)}T17:00`;

export function ceremonySeeder(container: Container): Seeder {
  return async (ctx) => {
    const { schedule, ceremonies } = container.services;
    const found = await OfficeModel.findOne({ slug: DEMO_OFFICE_SLUG }, { _id: 1 }).lean();
    if (!found) return;
    const office = await schedule.getOffice(found._id.toString());
    const today = localDateOf(ctx.now, office.timezone);
    const officeId = office._id.toString();

    const qixi = await DayPlanModel.findOne({ office: office._id, 'label.zh': '七夕', date: { $gt: today } })
      .sort({ date: 1 })
      .lean();
    if (qixi && !(await CeremonyModel.exists({ office: office._id, date: qixi.date }))) {
      const input: CeremonyInput = {
        date: qixi.date,
        start: '15:30',
        durationMinutes: 60,
        title: { zh: '七夕集体颁证仪式', en: 'Qixi group certificate ceremony' },
        theme: { zh: '执子之手，与子偕老', en: 'To hold your hand and grow old together' },
        hall: HALL,
        presenter: { zh: '特邀颁证嘉宾 王芳女士', en: 'Guest presenter Ms Wang Fang' },
        programme: PROGRAMME,
        seats: 7,
        minCouples: 3,
        signupDeadline: dayBefore5pm(qixi.date),
        offerHours: 24,
      };
      await ceremonies.create(officeId, input, { status: 'open', actor: SEED_ACTOR });
      ctx.log(`seeded Qixi ceremony ${qixi.date} 15:30 (7 seats)`);
    }

    // The first open weekday two days to two weeks ahead that couples can book now.
    const from = addDays(today, 2);
    const to = addDays(today, 14);
    const soon = await CeremonyModel.exists({
      office: office._id,
      createdBy: SEED_ACTOR,
      date: { $gte: today, $lte: to, ...(qixi ? { $ne: qixi.date } : {}) },
    });
    if (soon) return;
    const days = await schedule.availability(office, from, to);
    const day = days.find(
      (d) =>
        (d.status === 'open' || d.status === 'few_left') && d.schedule.kind !== 'peak' && d.slots.length > 0,
    );
    if (!day) return;
    await ceremonies.create(
      officeId,
      {
        date: day.date,
        start: '16:00',
        durationMinutes: 45,
        title: { zh: '集体颁证仪式', en: 'Group certificate ceremony' },
        theme: { zh: '幸福从这里启程', en: 'Happiness starts here' },
        hall: HALL,
        presenter: { zh: '登记处主任 李明', en: 'Registry director Li Ming' },
        programme: PROGRAMME,
        seats: 10,
        minCouples: 2,
        signupDeadline: dayBefore5pm(day.date),
        offerHours: 24,
      },
      { status: 'open', actor: SEED_ACTOR },
    );
    ctx.log(`seeded ceremony ${day.date} 16:00 (10 seats)`);
  };
}
