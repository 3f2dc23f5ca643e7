import assert from 'node:assert/strict';
import { createEmailRenderer } from '../../src/mail/render.ts';
import type { LotteryEvent } from '../../src/services/events.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { apply, DRAW, lotteryOffice, NOW, recordEvents } from './lottery-support.ts';

describe('lottery messages', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await lotteryOffice(t))._id.toString();
  });

  it('tells each couple where it stands, in its language, with its private link and a key per event', async () => {
    const events = recordEvents(t);
    const english = await apply(t, officeId, { kind: 'any' }, couple({ language: 'en' }));
    for (let i = 0; i < 9; i++) await apply(t, officeId);
    t.clock.set(DRAW);
    await t.container.services.lottery.runDueDraws(new Date(DRAW));
    await new Promise((resolve) => setImmediate(resolve));
    const lottery = events.filter((e): e is LotteryEvent => e.type.startsWith('lottery.'));
    const renderer = createEmailRenderer({ reload: false });
    const keys = new Set<string>();
    let won = 0;
    let notDrawn = 0;
    for (const event of lottery) {
      const notice = await t.container.services.lottery.notice(event, 'https://yuyue.example.gov.cn');
      if (event.type === 'lottery.drawn') {
        assert.equal(notice, null);
        continue;
      }
      assert.ok(notice, event.type);
      assert.ok(!keys.has(notice.key), 'one key per message');
      keys.add(notice.key);
      const body = await renderer.render(notice.message.template, notice.locale, notice.message.locals);
      const application = 'applicationId' in event ? event.applicationId : '';
      assert.ok(
        body.text.includes(
          `https://yuyue.example.gov.cn${await t.container.services.lottery.statusPath(application)}`,
        ),
      );
      if (event.type === 'lottery.won') {
        won += 1;
        assert.match(notice.message.subject, notice.locale === 'en' ? /You won a place/ : /中签通知/);
        assert.match(
          body.text,
          notice.locale === 'en'
            ? /Confirm by Wed 12 Aug 2026 10:00/
            : /请在 2026年8月12日 周三 10:00 前确认/,
        );
        assert.match(body.text, /双方身份证原件|Both ID cards/);
      }
      if (event.type === 'lottery.not_drawn') {
        notDrawn += 1;
        assert.match(body.text, /排第 (9|10) 位|number (9|10) in the draw order/);
      }
      if (event.type === 'lottery.applied' && event.applicationId === english.application._id.toString()) {
        assert.equal(notice.locale, 'en');
        assert.match(notice.message.subject, /Your application for the draw on Wed 19 Aug 2026/);
      }
    }
    assert.equal(won, 8);
    assert.equal(notDrawn, 2);
  });
});
