// What the operator's scraper reads of the state of things (GET /metrics): the places left on
// each office's today and coming peak days, the job queue, the messages of the last hour and
// how long the database takes to answer. Read from the database, so that any process tells
// the same (jobs run in the worker, bookings in every web process); a handful of small
// queries, which the metrics cache for a few seconds.
import mongoose from 'mongoose';
import { addDays, localDateOf } from '../../domain/local-time.ts';
import type { Clock } from '../../lib/clock.ts';
import { DayPlanModel } from '../../models/day-plan.model.ts';
import { NotificationModel } from '../../models/notification.model.ts';
import { SlotModel } from '../../models/slot.model.ts';
import type { OfficeRecord, ScheduleService } from '../schedule-service.ts';

/** How far ahead peak days are reported: the longest booking window is about a month. */
export const PEAK_HORIZON_DAYS = 31;

export interface PlacesLeft {
  office: string;
  date: string;
  day: 'today' | 'peak';
  capacity: number;
  left: number;
}

export interface OperationsSnapshot {
  places: PlacesLeft[];
  /** Jobs per name waiting for a run (scheduled or due), and those whose last run failed. */
  jobs: { name: string; queued: number; failed: number }[];
  /** Messages per channel (email, sms) and status (sent, retrying, failed) changed in the last hour. */
  messages: { channel: string; status: string; count: number }[];
  /** Seconds a ping took. */
  databasePingSeconds: number;
}

export async function operationsSnapshot(deps: {
  clock: Clock;
  schedule: ScheduleService;
}): Promise<OperationsSnapshot> {
  const started = performance.now();
  await mongoose.connection.db!.command({ ping: 1 });
  const databasePingSeconds = (performance.now() - started) / 1000;
  const [places, jobs, messages] = await Promise.all([
    placesLeft(deps),
    jobQueue(),
    recentMessages(deps.clock),
  ]);
  return { places, jobs, messages, databasePingSeconds };
}

async function placesLeft(deps: { clock: Clock; schedule: ScheduleService }): Promise<PlacesLeft[]> {
  const offices = await deps.schedule.listOffices();
  const perOffice = await Promise.all(offices.map((office) => officePlaces(deps, office)));
  return perOffice.flat();
}

async function officePlaces(
  deps: { clock: Clock; schedule: ScheduleService },
  office: OfficeRecord,
): Promise<PlacesLeft[]> {
  const today = localDateOf(deps.clock(), office.timezone);
  const peaks = await DayPlanModel.find(
    { office: office._id, kind: 'peak', date: { $gt: today, $lte: addDays(today, PEAK_HORIZON_DAYS) } },
    { date: 1 },
  ).lean();
  const days = [
    { date: today, day: 'today' as const },
    ...peaks.map((p) => ({ date: p.date, day: 'peak' as const })),
  ];
  const counters = await SlotModel.find(
    { office: office._id, date: { $in: days.map((d) => d.date) } },
    { date: 1, start: 1, remaining: 1 },
  ).lean();
  const remaining = new Map(counters.map((c) => [`${c.date}|${c.start}`, c.remaining]));
  return Promise.all(
    days.map(async ({ date, day }) => {
      const planned = await deps.schedule.daySchedule(office, date);
      let capacity = 0;
      let left = 0;
      for (const slot of planned.open ? planned.slots : []) {
        capacity += slot.capacity;
        // A slot nobody has asked for yet has no counter: all its places are left.
        left += remaining.get(`${date}|${slot.start}`) ?? slot.capacity;
      }
      return { office: office.slug, date, day, capacity, left };
    }),
  );
}

async function jobQueue(): Promise<OperationsSnapshot['jobs']> {
  const jobs = mongoose.connection.db!.collection('agendaJobs');
  const [queued, failed] = await Promise.all([
    jobs
      .aggregate<{ _id: string; n: number }>([
        { $match: { nextRunAt: { $ne: null }, disabled: { $ne: true } } },
        { $group: { _id: '$name', n: { $sum: 1 } } },
      ])
      .toArray(),
    jobs
      .find<{ name: string; failedAt: Date; lastFinishedAt?: Date }>(
        { failedAt: { $exists: true } },
        { projection: { name: 1, failedAt: 1, lastFinishedAt: 1 } },
      )
      .toArray(),
  ]);
  const byName = new Map<string, { name: string; queued: number; failed: number }>();
  const entry = (name: string) => {
    const e = byName.get(name) ?? { name, queued: 0, failed: 0 };
    byName.set(name, e);
    return e;
  };
  for (const q of queued) entry(q._id).queued = q.n;
  // A job whose last run failed (a later success finishes after the failure).
  for (const f of failed)
    if (!f.lastFinishedAt || f.failedAt.getTime() >= f.lastFinishedAt.getTime()) entry(f.name).failed++;
  return [...byName.values()];
}

async function recentMessages(clock: Clock): Promise<OperationsSnapshot['messages']> {
  const since = new Date(clock().getTime() - 3_600_000);
  const rows = await NotificationModel.aggregate<{ _id: { channel: string; status: string }; n: number }>([
    { $match: { status: { $in: MESSAGE_STATUSES }, updatedAt: { $gte: since } } },
    // Stored before texts existed, a notification without a channel is an e-mail.
    { $group: { _id: { channel: { $ifNull: ['$channel', 'email'] }, status: '$status' }, n: { $sum: 1 } } },
  ]);
  // Every channel and status, 0 when none: an alert on a series sees it before the first failure.
  // Verification codes are sent at once, not kept as notifications: they are not counted here.
  return MESSAGE_CHANNELS.flatMap((channel) =>
    MESSAGE_STATUSES.map((status) => ({
      channel,
      status,
      count: rows.find((r) => r._id.channel === channel && r._id.status === status)?.n ?? 0,
    })),
  );
}

const MESSAGE_CHANNELS = ['email', 'sms'];
const MESSAGE_STATUSES = ['sent', 'retrying', 'failed'];
