// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright locators, not DOM nodes: innerText is the text a person sees.
// Nothing lost silently, on a phone (390x844): a full slot gives the form back with everything
// typed and the nearest open slots, one tap each; a move that would give up the ceremony seat
// says so before the tap and waits for the couple's tick. Each step is photographed.
import assert from 'node:assert/strict';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { CeremonySeatModel } from '../../src/models/ceremony-seat.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { launchBrowser, overflowsHorizontally, shot, watchProblems } from '../helpers/browser.ts';
import { couple } from '../helpers/ids.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { resetDatabase } from '../helpers/test-app.ts';
import { NOW, officeWithQixi, QIXI, qixiCeremony } from './fixtures.ts';

describe('browser: nothing lost silently', function () {
  this.timeout(90_000);
  let server: RunningServer;
  let officeId: string;

  beforeEach(async () => {
    await resetDatabase();
    server = await startTestServer({ now: NOW });
    officeId = (await officeWithQixi())._id.toString();
  });
  afterEach(async () => {
    await server?.close();
  });

  it('a slot that fills while the form is typed: the form comes back filled, with the nearest slots one tap away', async () => {
    const phone = await launchBrowser({ baseURL: server.url, locale: 'zh-CN', javaScriptEnabled: false });
    const { page } = phone;
    const problems = watchProblems(page);
    const c = couple();
    try {
      await page.goto(`/offices/jinjiang/days/${QIXI}/book?start=10:00`);
      for (const [i, p] of c.partners.entries()) {
        await page.fill(`#p${i}-name`, p.name);
        await page.fill(`#p${i}-idNumber`, p.idNumber);
        await page.fill(`#p${i}-phone`, p.phone);
      }
      await page.fill('#email', c.email);
      // Meanwhile the last place of 10:00 is taken.
      await server.container.services.schedule.slotCounter(
        await server.container.services.schedule.getOffice(officeId),
        QIXI,
        '10:00',
      );
      await SlotModel.updateOne({ date: QIXI, start: '10:00' }, { $set: { booked: 18, remaining: 0 } });
      await page.locator('button[type=submit].primary').click();
      await page.waitForLoadState();

      assert.match(await page.locator('.flash-error').innerText(), /名额已满/);
      for (const [i, p] of c.partners.entries()) {
        assert.equal(await page.inputValue(`#p${i}-name`), p.name);
        assert.equal(await page.inputValue(`#p${i}-idNumber`), p.idNumber);
        assert.equal(await page.inputValue(`#p${i}-phone`), p.phone);
      }
      assert.equal(await page.inputValue('#email'), c.email);
      const choices = page.locator('button.alternative');
      assert.equal(await choices.nth(0).getAttribute('data-start'), '09:00');
      assert.equal(await choices.nth(1).getAttribute('data-start'), '09:30');
      assert.equal(await choices.nth(2).getAttribute('data-start'), '10:30');
      await shot(page, 'full-slot', '01-form-again-with-alternatives');
      assert.equal(await overflowsHorizontally(page), false, 'no sideways scrolling on a phone');

      // One tap on 10:30: booked with what was typed, nothing typed again.
      await Promise.all([page.waitForURL('**/confirmation'), choices.nth(2).click()]);
      const stored = await AppointmentModel.findOne().lean();
      assert.equal(stored!.date, QIXI);
      assert.equal(stored!.start, '10:30');
      assert.equal(stored!.partners[1]!.name, c.partners[1]!.name);
      await shot(page, 'full-slot', '02-booked-the-alternative');
      assert.deepEqual(problems, []);
    } finally {
      await phone.close();
    }
  });

  it('a move that would give up the ceremony seat says so first and waits for the tick', async () => {
    const ceremony = await qixiCeremony(server.container.services, officeId);
    const c = couple();
    const booked = await server.container.services.booking.book({
      officeId,
      date: QIXI,
      start: '09:00',
      ...c,
      channel: 'online',
    });
    await server.container.services.ceremonies.join(ceremony._id.toString(), booked.appointment, {
      channel: 'online',
    });
    const phone = await launchBrowser({ baseURL: server.url, locale: 'zh-CN', javaScriptEnabled: true });
    const { page } = phone;
    const problems = watchProblems(page);
    const manage = `/booking/${booked.manageToken}`;
    try {
      await page.goto(`${manage}/move`);
      // The ceremony is at 16:00, with 30 minutes' buffer: 15:30 and later give the seat up.
      const slot = (start: string) =>
        page.locator('li.slot').filter({ has: page.locator(`input[name=start][value="${start}"]`) });
      assert.equal(await slot('15:00').locator('form').getAttribute('data-seat'), 'keeps');
      assert.equal(await slot('15:30').locator('form').getAttribute('data-seat'), 'loses');
      assert.match(await slot('15:30').locator('.seat-warning').innerText(), /放弃集体颁证仪式的座位/);
      await slot('15:30').scrollIntoViewIfNeeded();
      await shot(page, 'move-seat', '01-move-page-warns');
      assert.equal(await overflowsHorizontally(page), false, 'no sideways scrolling on a phone');

      // Without the tick the browser does not send the form.
      await slot('15:30').locator('button[type=submit]').click();
      assert.match(page.url(), /\/move$/);
      assert.equal((await AppointmentModel.findById(booked.appointment._id).lean())!.start, '09:00');

      await slot('15:30').locator('input[name=giveUpCeremony]').check();
      await shot(page, 'move-seat', '02-ticked');
      await Promise.all([
        page.waitForURL(`**${manage}`),
        slot('15:30').locator('button[type=submit]').click(),
      ]);
      await server.container.services.ceremonies.whenIdle();
      assert.equal((await AppointmentModel.findById(booked.appointment._id).lean())!.start, '15:30');
      const seat = await CeremonySeatModel.findOne({ appointment: booked.appointment._id }).lean();
      assert.equal(seat?.state, 'left');
      await page.reload();
      await shot(page, 'move-seat', '03-moved-seat-given-up');
      assert.deepEqual(problems, []);
    } finally {
      await phone.close();
    }
  });
});
