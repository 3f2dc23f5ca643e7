// Feature areas' parts of the demo (staff accounts, ceremonies...), run after the office seed.
import type { Container } from '../container.ts';
import type { Seeder } from './demo-seed.ts';

export function extraSeeders(_container: Container): Seeder[] {
  return [];
}
