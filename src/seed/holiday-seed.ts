// The demo's statutory public holidays, closed through the same holiday import staff use
// (the CSV of /staff/offices/:id/import), for this year and the next: 元旦 is never bookable.
// Idempotent: a day already planned the same way is left as it is.
import { DateTime } from 'luxon';
import type { Container } from '../container.ts';
import { statutoryHolidayCsv } from '../domain/statutory-holidays.ts';
import { OfficeModel } from '../models/office.model.ts';
import type { StaffPrincipal } from '../services/staff/principal.ts';
import { DEMO_OFFICE_SLUG, type Seeder } from './demo-seed.ts';

const SEED_PRINCIPAL: StaffPrincipal = {
  id: 'seed',
  email: 'seed@localhost',
  name: 'seed',
  role: 'admin',
  offices: [],
};

export function holidaySeeder(container: Container): Seeder {
  return async (ctx) => {
    const found = await OfficeModel.findOne({ slug: DEMO_OFFICE_SLUG }, { _id: 1 }).lean();
    if (!found) return;
    const { schedule, staff } = container.services;
    const office = await schedule.getOffice(found._id.toString());
    const year = DateTime.fromJSDate(ctx.now, { zone: office.timezone }).year;
    for (const y of [year, year + 1]) {
      const applied = await staff.planning.applyImport(office, statutoryHolidayCsv(y), SEED_PRINCIPAL);
      const changed = applied.lines.filter((l) => l.outcome === 'create' || l.outcome === 'replace').length;
      ctx.log(`seeded ${y}'s statutory holidays through the holiday import: ${changed} day(s) planned`);
    }
  };
}
