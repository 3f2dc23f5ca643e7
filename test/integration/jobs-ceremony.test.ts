// Ceremony messages, driven by the real ceremony service's events: a seat (and its reminder
// the day before at noon, office zone), the waiting list, a freed seat offered until a
// deadline, the offer lapsing, leaving, and the ceremony's cancellation.
import assert from 'node:assert/strict';
import { ceremonyUpkeep } from '../../jobs/handlers/upkeep.ts';
import { JOB } from '../../jobs/job-names.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';
import {
  book,
  DAY,
  header,
  type JobWorld,
  jobsNamed,
  releaseDueJobs,
  type SmtpSink,
  startJobWorld,
  startSmtpSink,
  stopJobWorld,
  textOf,
  waitFor,
} from './jobs-fixtures.ts';

describe('jobs: ceremony messages', () => {
  let sink: SmtpSink;
  let world: JobWorld;
  let officeId: string;

  beforeEach(async () => {
    await resetDatabase();
    sink = await startSmtpSink();
    world = await startJobWorld({ smtpUrl: sink.url });
    officeId = (await createOffice())._id.toString();
  });
  afterEach(async () => {
    await stopJobWorld(world);
    await sink.close();
  });

  const ceremonyMails = () =>
    sink.messages.filter((m) => header(m, 'x-notification-key').startsWith('ceremony'));
  const ofKind = (kind: string) =>
    ceremonyMails().filter((m) => header(m, 'x-notification-key').includes(`:${kind}:`));

  async function openCeremony(seats = 1) {
    return world.container.services.ceremonies.create(
      officeId,
      {
        date: DAY,
        start: '16:00',
        durationMinutes: 45,
        title: { zh: '七夕集体颁证仪式', en: 'Qixi group ceremony' },
        hall: { zh: '二楼颁证大厅', en: 'Certificate Hall' },
        presenter: { zh: '王芳', en: 'Wang Fang' },
        seats,
        minCouples: 1,
        signupDeadline: '2031-06-10T17:00',
        offerHours: 24,
      },
      { status: 'open', actor: 'test' },
    );
  }

  it('seat, reminder, waiting list, offer, lapse and cancellation each reach the couple once', async () => {
    const ceremony = await openCeremony(1);
    const id = ceremony._id.toString();
    const first = await book(world, officeId, '09:00');
    const second = await book(world, officeId, '09:30', { language: 'en' });
    await sink.waitForMessages(2);
    const { ceremonies } = world.container.services;

    await ceremonies.join(id, first.appointment, { channel: 'online' });
    await waitFor(() => ofKind('seated').length === 1);
    const seated = ofKind('seated')[0]!;
    assert.equal(seated.subject, '仪式报名成功：七夕集体颁证仪式');
    assert.match(
      textOf(seated),
      /您已报名 2031年6月11日 周三 16:00 的集体颁证仪式“七夕集体颁证仪式”。请在登记办结后前往二楼颁证大厅。/,
    );
    assert.match(textOf(seated), new RegExp(`预约编号：${first.appointment.reference}`));
    // The reminder: the day before at 12:00 in Chengdu.
    await waitFor(async () => (await jobsNamed(JOB.ceremonyReminder)).length === 1);
    const [reminderJob] = await jobsNamed(JOB.ceremonyReminder);
    assert.equal(reminderJob!.nextRunAt.toISOString(), '2031-06-10T04:00:00.000Z');

    await ceremonies.join(id, second.appointment, { channel: 'online' });
    await waitFor(() => ofKind('waitlisted').length === 1);
    assert.match(textOf(ofKind('waitlisted')[0]!), /you are number 1 on its waiting list/);

    // The first couple leaves: its reminder goes, the second couple is offered the seat.
    await ceremonies.leave(first.appointment);
    await waitFor(() => ofKind('left').length === 1 && ofKind('offer').length === 1);
    assert.equal((await jobsNamed(JOB.ceremonyReminder)).length, 0);
    const offer = ofKind('offer')[0]!;
    assert.equal(offer.subject, 'A ceremony seat is yours: confirm by Tue 10 Jun 2031 10:00');
    assert.match(textOf(offer), /Confirm by: Tue 10 Jun 2031 10:00/);

    // Nobody confirms: the upkeep job lapses the offer, the couple is told.
    world.clock.set('2031-06-10T02:00:01.000Z');
    await ceremonyUpkeep(world.runner.context);
    await waitFor(() => ofKind('left').length === 2);
    assert.ok(
      ofKind('left').some((m) =>
        /was not confirmed in time and has passed to the next couple/.test(textOf(m)),
      ),
    );

    // A couple seated again, then the coordinators cancel the ceremony.
    await ceremonies.join(id, first.appointment, { channel: 'online' });
    await waitFor(() => ofKind('seated').length === 2);
    await ceremonies.cancel(id, 'coordinator');
    await waitFor(() => ofKind('cancelled').length === 1);
    assert.match(textOf(ofKind('cancelled')[0]!), /已取消。您的登记预约不受影响。/);
    assert.equal((await jobsNamed(JOB.ceremonyReminder)).length, 0);
    await new Promise((r) => setTimeout(r, 200));
    const keys = ceremonyMails().map((m) => header(m, 'x-notification-key'));
    assert.equal(new Set(keys).size, keys.length, 'no ceremony message twice');
  });

  it('sends the ceremony reminder when due, unless the couple is no longer booked', async () => {
    const ceremony = await openCeremony(2);
    const stays = await book(world, officeId, '09:00');
    const cancels = await book(world, officeId, '09:30');
    await sink.waitForMessages(2);
    const { ceremonies, booking } = world.container.services;
    await ceremonies.join(ceremony._id.toString(), stays.appointment, { channel: 'online' });
    await ceremonies.join(ceremony._id.toString(), cancels.appointment, { channel: 'online' });
    await waitFor(async () => (await jobsNamed(JOB.ceremonyReminder)).length === 2);
    await booking.cancel(cancels.appointment._id, 'couple');
    world.clock.set('2031-06-10T04:00:00.000Z');
    await releaseDueJobs(world.clock());
    await waitFor(() =>
      ceremonyMails().some((m) => header(m, 'x-notification-key').startsWith('ceremony_reminder:')),
    );
    await waitFor(async () => (await jobsNamed(JOB.ceremonyReminder)).length === 0);
    const reminders = ceremonyMails().filter((m) =>
      header(m, 'x-notification-key').startsWith('ceremony_reminder:'),
    );
    assert.equal(reminders.length, 1);
    assert.equal(reminders[0]!.subject, '仪式提醒：七夕集体颁证仪式 · 2031年6月11日 周三 16:00');
    assert.match(
      header(reminders[0]!, 'x-notification-key'),
      new RegExp(`^ceremony_reminder:${stays.appointment._id}:`),
    );
  });
});
