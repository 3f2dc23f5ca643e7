// Feature areas' parts of the demo (staff accounts, ceremonies...), run after the office seed.
import type { Container } from '../container.ts';
import { ceremonySeeder } from './ceremony-seed.ts';
import type { Seeder } from './demo-seed.ts';
import { lotterySeeder } from './lottery-seed.ts';
import { staffSeeder } from './staff-seed.ts';

export function extraSeeders(container: Container): Seeder[] {
  return [staffSeeder(container), ceremonySeeder(container), lotterySeeder(container)];
}
