// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright locators, not DOM nodes: innerText is the text a person sees.
// A couple waiting for the Qixi lottery books another day on a phone, without JavaScript: the
// confirmation says that a winner holding another booking is passed over, and withdraws the
// application with one tap. Each step is photographed.
import assert from 'node:assert/strict';
import { LotteryApplicationModel } from '../../src/models/lottery-application.model.ts';
import { launchBrowser, overflowsHorizontally, shot, watchProblems } from '../helpers/browser.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { apply, lotteryOffice, NOW } from '../http/lottery-support.ts';

describe('browser: a lottery application held while booking elsewhere', function () {
  this.timeout(90_000);
  let server: RunningServer;
  let officeId: string;
  // The lottery fixtures need only the running app's container and clock.
  const app = () => server as unknown as TestApp;

  beforeEach(async () => {
    await resetDatabase();
    server = await startTestServer({ now: NOW });
    officeId = (await lotteryOffice(app()))._id.toString();
  });
  afterEach(async () => {
    await server?.close();
  });

  it('the other booking’s confirmation warns, and one tap withdraws the application', async () => {
    const applied = await apply(app(), officeId);
    const booked = await server.container.services.booking.book({
      officeId,
      date: '2026-08-12',
      start: '09:00',
      ...applied.couple,
      channel: 'online',
    });
    const phone = await launchBrowser({ baseURL: server.url, locale: 'zh-CN', javaScriptEnabled: false });
    const { page } = phone;
    const problems = watchProblems(page);
    try {
      await page.goto(`/booking/${booked.manageToken}/confirmation`);
      const warning = page.locator('.held-lottery');
      assert.match(await warning.innerText(), new RegExp(applied.application.reference));
      assert.equal(await overflowsHorizontally(page), false);
      await shot(page, 'lottery-held', '01-confirmation-warns');
      await Promise.all([page.waitForLoadState(), warning.locator('button[type=submit]').click()]);
      assert.equal(await page.locator('.held-lottery').count(), 0);
      await shot(page, 'lottery-held', '02-withdrawn');
      const stored = await LotteryApplicationModel.findById(applied.application._id).lean();
      assert.equal(stored!.status, 'withdrawn');
      assert.deepEqual(problems, []);
    } finally {
      await phone.close();
    }
  });
});
