import { startTestMongo, stopTestMongo } from './mongo.ts';

// One database server per Mocha process; each suite uses its own database in it.
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(30_000);
    await startTestMongo();
  },
  async afterAll() {
    await stopTestMongo();
  },
};
