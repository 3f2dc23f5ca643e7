// Mail to staff on a rhythm: each office's roster in the morning (office zone), and once a
// month the peak days ahead for administrators. The periodic job only decides who is due;
// the notification key (office, date, member of staff) makes each go out once.
import { DateTime } from 'luxon';
import type { JobContext } from '../job-context.ts';

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

export async function sendDailyRosters(ctx: JobContext): Promise<number> {
  const { services, clock } = ctx.container;
  const offices = await services.schedule.listOffices();
  let sent = 0;
  for (const office of offices) {
    const local = DateTime.fromJSDate(clock(), { zone: office.timezone });
    const minute = local.hour * 60 + local.minute;
    if (minute < minutesOf(ctx.settings.rosterAt) || minute >= minutesOf(ctx.settings.rosterUntil)) continue;
    const date = local.toISODate()!;
    if (!(await services.booking.anyOn(office._id, date))) continue;
    for (const member of await services.notifications.staffOfOffice(office._id)) {
      const result = await services.notifications.deliver(
        { kind: 'roster', officeId: office._id.toString(), date, staffId: member._id.toString() },
        { maxAttempts: ctx.settings.mail.maxAttempts },
      );
      await ctx.scheduler.retryLater(result);
      if (result.outcome === 'sent') sent++;
    }
  }
  return sent;
}

export async function sendPeakDigests(ctx: JobContext): Promise<number> {
  const { services, clock } = ctx.container;
  let sent = 0;
  for (const member of await services.notifications.administrators()) {
    // The month is the one of the administrator's first office (Asia/Shanghai by default).
    const zone = member.offices[0] ? await services.schedule.zoneOf(member.offices[0]) : undefined;
    const local = DateTime.fromJSDate(clock(), { zone: zone ?? 'Asia/Shanghai' });
    if (local.day < ctx.settings.peakDigestDay) continue;
    if (
      local.day === ctx.settings.peakDigestDay &&
      local.hour * 60 + local.minute < minutesOf(ctx.settings.peakDigestAt)
    )
      continue;
    const result = await services.notifications.deliver(
      { kind: 'peak_days', staffId: member._id.toString(), month: local.toFormat('yyyy-MM') },
      { maxAttempts: ctx.settings.mail.maxAttempts },
    );
    await ctx.scheduler.retryLater(result);
    if (result.outcome === 'sent') sent++;
  }
  return sent;
}
