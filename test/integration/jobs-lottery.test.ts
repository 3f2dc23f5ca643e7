// The peak-day lottery's notices, worded by the lottery service and sent by the job system
// once each: the application received, then the draw's outcome. A winner's booking gets the
// lottery's own messages, not a second, contradicting booking confirmation.
import assert from 'node:assert/strict';
import { lotteryUpkeep } from '../../jobs/handlers/upkeep.ts';
import { NotificationModel } from '../../src/models/notification.model.ts';
import { resetDatabase } from '../helpers/test-app.ts';
import { AFTER_DRAW, apply, lotteryOffice, NOW } from '../http/lottery-support.ts';
import {
  header,
  type JobWorld,
  type SmtpSink,
  startJobWorld,
  startSmtpSink,
  stopJobWorld,
  textOf,
  waitFor,
} from './jobs-fixtures.ts';

describe('jobs: lottery notices', () => {
  let sink: SmtpSink;
  let world: JobWorld;

  beforeEach(async () => {
    await resetDatabase();
    sink = await startSmtpSink();
    world = await startJobWorld({ now: NOW, smtpUrl: sink.url });
  });
  afterEach(async () => {
    await stopJobWorld(world);
    await sink.close();
  });

  const lotteryMails = () =>
    sink.messages.filter((m) => header(m, 'x-notification-key').startsWith('lottery:'));

  it('tells each couple its application was received, then whether it won, once each', async () => {
    const office = await lotteryOffice(world);
    const officeId = office._id.toString();
    const first = await apply(world, officeId);
    await apply(world, officeId);
    await waitFor(() => lotteryMails().length === 2);
    const applied = lotteryMails().find(
      (m) => header(m, 'x-notification-key') === `lottery:${first.application._id}:lottery.applied`,
    );
    assert.ok(
      applied,
      lotteryMails()
        .map((m) => header(m, 'x-notification-key'))
        .join(', '),
    );
    assert.match(applied.subject ?? '', /已收到您 2026年8月19日 周三 的抽签申请/);
    assert.match(textOf(applied), /\/lottery\/a\//);

    world.clock.set(AFTER_DRAW);
    await lotteryUpkeep(world.runner.context);
    await waitFor(() => lotteryMails().length === 4);
    const won = lotteryMails().filter((m) => header(m, 'x-notification-key').includes(':lottery.won:'));
    assert.equal(won.length, 2);
    assert.match(won[0]!.subject ?? '', /中签通知/);
    // The winners' bookings: no booking confirmation besides the lottery's notice.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(
      sink.messages.filter((m) => header(m, 'x-notification-key').startsWith('confirmation:')).length,
      0,
    );
    await lotteryUpkeep(world.runner.context);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(lotteryMails().length, 4, 'nothing twice');
    assert.equal(await NotificationModel.countDocuments({ kind: 'lottery', status: 'sent' }), 4);
  });
});
