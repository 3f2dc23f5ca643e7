// The texts beside the e-mails share their writes: confirmations sent at the same moment claim
// their e-mails and texts in one insert, keep their outbox copies in one insert and record their
// outcomes and the texts' short links in one bulk update each, each message still sent once.
import assert from 'node:assert/strict';
import { NotificationModel } from '../../src/models/notification.model.ts';
import { OutboxMessageModel } from '../../src/models/outbox-message.model.ts';
import { ShortLinkModel } from '../../src/models/short-link.model.ts';
import { resolveShortLink } from '../../src/services/notifications/short-links.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, createOffice, resetDatabase, weekdays } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Mon 10:00 in Chengdu
const DAY = '2026-08-10';

type Calls = { channels: string[] }[];

/** Records the calls of a collection's method (the channels of the documents it carried). */
function spy(collection: object, method: 'insertMany' | 'bulkWrite' | 'updateOne', calls: Calls) {
  const target = collection as Record<string, (...args: unknown[]) => unknown>;
  const real = target[method]!;
  target[method] = function (this: unknown, ...args: unknown[]) {
    const docs = Array.isArray(args[0]) ? (args[0] as { channel?: string }[]) : [];
    calls.push({ channels: docs.map((d) => d.channel ?? '') });
    return real.apply(this, args);
  };
  return () => {
    target[method] = real;
  };
}

describe('texts written with the e-mails', () => {
  it('claims, stores and records twenty confirmations and their texts in a few shared commands', async () => {
    await resetDatabase();
    const officeId = (
      await createOffice({ weeklyTemplate: weekdays({ couplesPerWindow: 10 }) })
    )._id.toString();
    const t = await buildTestApp({ now: NOW, env: { SMS_NOTICES: 'true', SMS_SIGN_NAME: '锦江区民政局' } });
    const { booking, notifications } = t.container.services;
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const c = couple();
      const r = await booking.book({
        officeId,
        date: DAY,
        start: '09:00',
        ...c,
        language: 'zh-CN',
        channel: 'online',
      });
      ids.push(r.appointment._id.toString());
    }
    const claims: Calls = [];
    const copies: Calls = [];
    const outcomes: Calls = [];
    const alone: Calls = [];
    const links: Calls = [];
    const linksAlone: Calls = [];
    const restore = [
      spy(ShortLinkModel.collection, 'bulkWrite', links),
      spy(ShortLinkModel.collection, 'updateOne', linksAlone),
      spy(NotificationModel.collection, 'insertMany', claims),
      spy(OutboxMessageModel.collection, 'insertMany', copies),
      spy(NotificationModel.collection, 'bulkWrite', outcomes),
      spy(NotificationModel.collection, 'updateOne', alone),
    ];
    let results: Awaited<ReturnType<typeof notifications.deliver>>[];
    try {
      results = await Promise.all(
        ids.map((appointmentId) => notifications.deliver({ kind: 'confirmation', appointmentId })),
      );
    } finally {
      for (const r of restore) r();
    }
    for (const r of results) {
      assert.equal(r.outcome, 'sent');
      assert.equal(r.sms?.outcome, 'sent');
    }
    assert.equal(await OutboxMessageModel.countDocuments({ channel: 'sms' }), 20);
    assert.equal(await OutboxMessageModel.countDocuments({ channel: 'email' }), 20);
    assert.equal(await NotificationModel.countDocuments({ status: 'sent' }), 40);
    const mixed = (calls: Calls) =>
      calls.some((c) => c.channels.includes('email') && c.channels.includes('sms'));
    assert.ok(claims.length <= 4 && mixed(claims), `claims: ${JSON.stringify(claims)}`);
    assert.ok(copies.length <= 4 && mixed(copies), `outbox copies: ${JSON.stringify(copies)}`);
    assert.ok(outcomes.length <= 4, `outcomes in ${outcomes.length} bulk writes`);
    assert.equal(alone.length, 0, 'no outcome written alone');
    assert.ok(links.length <= 4 && linksAlone.length === 0, `short links in ${links.length} bulk writes`);
    const texts = await OutboxMessageModel.find({ channel: 'sms' }).lean();
    for (const text of texts) {
      const token = /\/m\/([A-Za-z0-9_-]{12})/.exec(text.text)?.[1];
      const opens = token ? await resolveShortLink(token) : null;
      assert.equal(opens?.target, 'appointment', 'each text’s link opens its booking');
      assert.ok(ids.includes(opens.ref));
    }
  });
});
