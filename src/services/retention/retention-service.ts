// The retention of personal data (PIPL): RETENTION_DAYS after an appointment's date, or after
// a lottery day for an application that got no place, the names, ID numbers, phones, e-mail
// addresses and free text of the couple are erased, nightly, in bounded batches; what the
// statistics need stays, and each record says it was erased. An application that got a place
// follows its booking (which may have moved to a later day). Nothing dated within the last
// RETENTION_DAYS days, so no booking still to come, is ever touched. Each run writes one audit
// entry with what it erased; the staff console reads the policy and the last run from here.
import type { Types } from 'mongoose';
import { keptFrom, nextRetentionRun } from '../../domain/retention.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppointmentModel } from '../../models/appointment.model.ts';
import { type AuditEntry, AuditLogModel } from '../../models/audit-log.model.ts';
import { LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import { OfficeModel } from '../../models/office.model.ts';
import { VerificationModel } from '../../models/verification-code.model.ts';
import type { AuditService } from '../audit-service.ts';
import { bound } from '../context.ts';
import {
  type ErasureCounts,
  eraseApplications,
  eraseAppointments,
  eraseOutbox,
  noErasures,
} from './erase-records.ts';

export const RETENTION_AUDIT_ACTION = 'retention.erase';
/** Records read and erased at once: a night with a year's backlog still works in small steps. */
export const RETENTION_BATCH = 200;
const DAY_MS = 86_400_000;

export interface RetentionDeps {
  clock: Clock;
  audit: AuditService;
  retentionDays: number;
  /** Whether this installation runs background jobs at all (JOBS is not off). */
  scheduled: boolean;
}

export interface RetentionRun {
  at: Date;
  retentionDays: number;
  counts: ErasureCounts;
}

export interface RetentionPolicy {
  retentionDays: number;
  /** Undefined when no process runs jobs (JOBS=off). */
  nextRunAt: Date | undefined;
  lastRun: RetentionRun | undefined;
}

type Office = { _id: Types.ObjectId; timezone: string };

/** One run over every office; `touch` keeps a long job's lock alive between batches. */
export async function run(
  deps: RetentionDeps,
  opts: { touch?: () => Promise<void> } = {},
): Promise<RetentionRun> {
  const now = deps.clock();
  const counts = noErasures();
  const offices = await OfficeModel.find({}, { timezone: 1 }).lean<Office[]>();
  for (const office of offices) {
    const before = keptFrom(now, office.timezone, deps.retentionDays);
    await eraseDueAppointments(office, before, now, counts, opts.touch);
    await eraseDueApplications(office, before, now, counts, opts.touch);
  }
  // Copies of messages no log entry names (verification codes by text), by their age; the
  // others went with the records they are about.
  counts.outboxMessages += await eraseOutbox(
    { notificationKey: null, createdAt: { $lt: new Date(now.getTime() - deps.retentionDays * DAY_MS) } },
    now,
  );
  // The TTL index removes these a day after their last send; this does it should it lag.
  counts.verificationCodes = (await VerificationModel.deleteMany({ expiresAt: { $lt: now } })).deletedCount;
  await deps.audit.record({
    actor: 'system',
    action: RETENTION_AUDIT_ACTION,
    target: 'retention:personal-data',
    after: { retentionDays: deps.retentionDays, counts },
  });
  return { at: now, retentionDays: deps.retentionDays, counts };
}

/** Pages of not yet erased records of an office dated before `before`, in _id order. */
async function* pages<T extends { _id: Types.ObjectId }>(
  read: (after: Types.ObjectId | undefined) => Promise<T[]>,
  touch: (() => Promise<void>) | undefined,
): AsyncGenerator<T[]> {
  let after: Types.ObjectId | undefined;
  for (;;) {
    const page = await read(after);
    if (page.length === 0) return;
    yield page;
    await touch?.();
    if (page.length < RETENTION_BATCH) return;
    after = page[page.length - 1]?._id;
  }
}

function dueFilter(office: Office, before: string, after: Types.ObjectId | undefined) {
  return {
    office: office._id,
    erasedAt: null,
    date: { $lt: before },
    ...(after ? { _id: { $gt: after } } : {}),
  };
}

async function eraseDueAppointments(
  office: Office,
  before: string,
  now: Date,
  counts: ErasureCounts,
  touch?: () => Promise<void>,
) {
  const read = (after: Types.ObjectId | undefined) =>
    AppointmentModel.find(dueFilter(office, before, after), { _id: 1 })
      .sort({ _id: 1 })
      .limit(RETENTION_BATCH)
      .lean<{ _id: Types.ObjectId }[]>();
  for await (const page of pages(read, touch)) {
    await eraseAppointments(
      page.map((a) => a._id),
      now,
      counts,
    );
  }
}

/**
 * Applications of lottery days before `before`: one without a place at once; one that got a
 * place (an appointment) once that appointment is erased, or gone.
 */
async function eraseDueApplications(
  office: Office,
  before: string,
  now: Date,
  counts: ErasureCounts,
  touch?: () => Promise<void>,
) {
  type Row = { _id: Types.ObjectId; appointment?: Types.ObjectId };
  const read = (after: Types.ObjectId | undefined) =>
    LotteryApplicationModel.find(dueFilter(office, before, after), { appointment: 1 })
      .sort({ _id: 1 })
      .limit(RETENTION_BATCH)
      .lean<Row[]>();
  for await (const page of pages(read, touch)) {
    const booked = page.flatMap((a) => (a.appointment ? [a.appointment] : []));
    const kept = new Set(
      (await AppointmentModel.find({ _id: { $in: booked }, erasedAt: null }, { _id: 1 }).lean()).map((a) =>
        a._id.toString(),
      ),
    );
    const due = page.filter((a) => !a.appointment || !kept.has(a.appointment.toString()));
    if (due.length)
      await eraseApplications(
        due.map((a) => a._id),
        now,
        counts,
      );
  }
}

/** What the staff console shows: the policy, the next run and the last one. */
export async function policy(deps: RetentionDeps): Promise<RetentionPolicy> {
  const last = await AuditLogModel.findOne({ action: RETENTION_AUDIT_ACTION })
    .sort({ at: -1, _id: -1 })
    .lean<AuditEntry>();
  const after = last?.after as { retentionDays?: number; counts?: ErasureCounts } | undefined;
  return {
    retentionDays: deps.retentionDays,
    nextRunAt: deps.scheduled ? nextRetentionRun(deps.clock()) : undefined,
    lastRun: last
      ? {
          at: last.at,
          retentionDays: after?.retentionDays ?? deps.retentionDays,
          counts: { ...noErasures(), ...after?.counts },
        }
      : undefined,
  };
}

export function createRetentionService(deps: RetentionDeps) {
  return { run: bound(deps, run), policy: bound(deps, policy) };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
