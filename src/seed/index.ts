// What a first start (SEED_DEMO) and `npm run seed` put in the database, in one list and in
// order: the demo office and its peak days, its statutory holidays (through the holiday import), then the staff accounts, the ceremonies and the
// lottery that build on it. Without the demo only the first administrator is created, so that
// somebody can sign in. Every seeder is idempotent: running them again changes nothing.
import type { Container } from '../container.ts';
import { ceremonySeeder } from './ceremony-seed.ts';
import { type SeedContext, type Seeder, seedDemoOffice } from './demo-seed.ts';
import { holidaySeeder } from './holiday-seed.ts';
import { lotterySeeder } from './lottery-seed.ts';
import { staffSeeder } from './staff-seed.ts';

export function demoSeeders(container: Container): Seeder[] {
  return [
    seedDemoOffice,
    holidaySeeder(container),
    staffSeeder(container),
    ceremonySeeder(container),
    lotterySeeder(container),
  ];
}

export async function seed(container: Container, ctx: SeedContext, opts: { demo: boolean }): Promise<void> {
  const seeders = opts.demo ? demoSeeders(container) : [staffSeeder(container)];
  for (const seeder of seeders) await seeder(ctx);
}
