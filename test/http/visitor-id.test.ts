// The anonymous visitor id every page hands a new browser (what its CSRF tokens are bound to):
// random, different for every browser, kept by a browser that sends it back.
import assert from 'node:assert/strict';
import request from 'supertest';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z';

function visitorIdOf(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.map((c) => /^vid=([^;]*)/.exec(c)?.[1]).find((id) => id !== undefined);
}

describe('the visitor id', () => {
  let t: TestApp;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    await createOffice();
  });

  it('is new and different for every new browser, 16 random bytes', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => request(t.app).get('/offices/jinjiang/days/2026-08-10').expect(200)),
    );
    const ids = answers.map(visitorIdOf);
    for (const id of ids) assert.match(id ?? '', /^[A-Za-z0-9_-]{22}$/);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('is kept by a browser that sends it back', async () => {
    const agent = request.agent(t.app);
    const first = visitorIdOf(await agent.get('/').expect(200));
    assert.ok(first);
    const again = await agent.get('/offices/jinjiang/days/2026-08-10').expect(200);
    assert.equal(visitorIdOf(again), undefined, 'no new id for a known browser');
  });
});
