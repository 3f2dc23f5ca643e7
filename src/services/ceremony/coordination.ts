// What a coordinator does to a ceremony from the console, each change written to the audit
// log with who made it, the ceremony and its office. The rules are the sessions' own
// (ceremony-admin.ts) and the roster's (roster.ts); the seed and the jobs use those directly.
import type { CeremonyStatus } from '../../models/ceremony.model.ts';
import * as admin from './ceremony-admin.ts';
import { cancelByCoordinator } from './ceremony-closing.ts';
import type { CeremonyContext } from './ceremony-context.ts';
import type { CeremonyRecord } from './ceremony-records.ts';
import { officeIdOf } from './ceremony-views.ts';
import type { JoinResult } from './participation.ts';
import * as roster from './roster.ts';

/** Who acts: a member of staff's id (their name is looked up for the log). */
type StaffId = string;

async function record(
  ctx: CeremonyContext,
  actor: StaffId,
  id: string,
  action: string,
  after?: Record<string, unknown>,
) {
  await ctx.audit.record({
    actor,
    action: `ceremony.${action}`,
    target: { kind: 'ceremony', id },
    officeId: await officeIdOf(id),
    ...(after ? { after } : {}),
  });
}

export async function create(
  ctx: CeremonyContext,
  officeId: string,
  input: admin.CeremonyInput,
  opts: { status: 'draft' | 'open'; actor: StaffId } & admin.OpenOptions,
): Promise<CeremonyRecord> {
  const created = await admin.create(ctx, officeId, input, opts);
  const after = { date: created.date, start: created.start, seats: created.seats, status: created.status };
  await ctx.audit.record({
    actor: opts.actor,
    action: 'ceremony.create',
    target: { kind: 'ceremony', id: created._id.toString(), label: created.title.zh },
    officeId,
    after: { ...after, ...(await overridden(ctx, created, opts)) },
  });
  return created;
}

/** The override of a closed day, in the audit entry, when it was what let the session open. */
async function overridden(ctx: CeremonyContext, c: CeremonyRecord, opts: admin.OpenOptions) {
  if (!opts.openOnClosedDay || c.status !== 'open') return {};
  return (await admin.isClosedDay(ctx, c.office.toString(), c.date)) ? { openOnClosedDay: 'yes' } : {};
}

export async function update(
  ctx: CeremonyContext,
  id: string,
  input: admin.CeremonyInput,
  actor: StaffId,
  opts: admin.OpenOptions = {},
) {
  const updated = await admin.update(ctx, id, input, actor, opts);
  const after = { date: updated.date, start: updated.start, seats: updated.seats };
  await record(ctx, actor, id, 'update', { ...after, ...(await overridden(ctx, updated, opts)) });
  return updated;
}

export async function setStatus(
  ctx: CeremonyContext,
  id: string,
  status: Exclude<CeremonyStatus, 'cancelled'>,
  actor: StaffId,
  opts: admin.OpenOptions = {},
) {
  const updated = await admin.setStatus(ctx, id, status, actor, opts);
  await record(ctx, actor, id, 'status', { status, ...(await overridden(ctx, updated, opts)) });
  return updated;
}

export async function cancel(ctx: CeremonyContext, id: string, actor: StaffId) {
  const cancelled = await cancelByCoordinator(ctx, id, actor);
  await record(ctx, actor, id, 'cancel', { status: 'cancelled' });
  return cancelled;
}

export async function addByReference(
  ctx: CeremonyContext,
  id: string,
  reference: string,
  actor: StaffId,
): Promise<JoinResult> {
  const result = await roster.addByReference(ctx, id, reference, actor);
  await record(ctx, actor, id, 'add', { reference, ...result });
  return result;
}

export async function sortBySlot(ctx: CeremonyContext, id: string, actor: StaffId) {
  await roster.sortBySlot(id);
  await record(ctx, actor, id, 'sort');
}

export async function confirm(ctx: CeremonyContext, id: string, seatId: string, actor: StaffId) {
  await roster.confirm(ctx, id, seatId);
  await record(ctx, actor, id, 'confirm', { seat: seatId });
}

export async function decline(ctx: CeremonyContext, id: string, seatId: string, actor: StaffId) {
  await roster.decline(ctx, id, seatId);
  await record(ctx, actor, id, 'decline', { seat: seatId });
}

export async function setAttendance(
  ctx: CeremonyContext,
  id: string,
  seatId: string,
  attended: boolean,
  actor: StaffId,
) {
  await roster.setAttendance(ctx, id, seatId, attended);
  await record(ctx, actor, id, 'attendance', { seat: seatId, attended: attended ? 'yes' : 'no' });
}

export async function move(
  ctx: CeremonyContext,
  id: string,
  seatId: string,
  direction: 'up' | 'down',
  actor: StaffId,
) {
  await roster.move(id, seatId, direction);
  await record(ctx, actor, id, 'reorder', { seat: seatId, direction });
}
