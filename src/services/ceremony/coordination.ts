// What a coordinator does to a ceremony from the console, each change written to the audit
// log with who made it, the ceremony and its office. The rules are the sessions' own
// (ceremony-admin.ts) and the roster's (roster.ts); the seed and the jobs use those directly.
import type { CeremonyStatus } from '../../models/ceremony.model.ts';
import type { CeremonyAdmin, CeremonyInput } from './ceremony-admin.ts';
import type { CeremonyContext } from './ceremony-context.ts';
import type { CeremonyRecord } from './ceremony-records.ts';
import type { JoinResult } from './participation.ts';
import type { RosterService } from './roster.ts';

/** Who acts: a member of staff's id (their name is looked up for the log). */
export type CoordinatorId = string;

export function createCoordination(
  ctx: CeremonyContext,
  admin: CeremonyAdmin,
  roster: RosterService,
  officeIdOf: (id: string) => Promise<string>,
) {
  const { audit } = ctx;

  async function record(actor: CoordinatorId, id: string, action: string, after?: Record<string, unknown>) {
    await audit.record({
      actor,
      action: `ceremony.${action}`,
      target: { kind: 'ceremony', id },
      officeId: await officeIdOf(id),
      ...(after ? { after } : {}),
    });
  }

  async function create(
    officeId: string,
    input: CeremonyInput,
    opts: { status: 'draft' | 'open'; actor: CoordinatorId },
  ): Promise<CeremonyRecord> {
    const created = await admin.create(officeId, input, opts);
    await audit.record({
      actor: opts.actor,
      action: 'ceremony.create',
      target: { kind: 'ceremony', id: created._id.toString(), label: created.title.zh },
      officeId,
      after: { date: created.date, start: created.start, seats: created.seats, status: created.status },
    });
    return created;
  }

  async function update(id: string, input: CeremonyInput, actor: CoordinatorId): Promise<CeremonyRecord> {
    const updated = await admin.update(id, input, actor);
    await record(actor, id, 'update', { date: updated.date, start: updated.start, seats: updated.seats });
    return updated;
  }

  async function setStatus(id: string, status: Exclude<CeremonyStatus, 'cancelled'>, actor: CoordinatorId) {
    const updated = await admin.setStatus(id, status, actor);
    await record(actor, id, 'status', { status });
    return updated;
  }

  async function cancel(id: string, actor: CoordinatorId) {
    const cancelled = await admin.cancelByCoordinator(id, actor);
    await record(actor, id, 'cancel', { status: 'cancelled' });
    return cancelled;
  }

  async function addByReference(id: string, reference: string, actor: CoordinatorId): Promise<JoinResult> {
    const result = await roster.addByReference(id, reference, actor);
    await record(actor, id, 'add', { reference, ...result });
    return result;
  }

  async function sortBySlot(id: string, actor: CoordinatorId) {
    await roster.sortBySlot(id);
    await record(actor, id, 'sort');
  }

  async function confirm(id: string, seatId: string, actor: CoordinatorId) {
    await roster.confirm(id, seatId);
    await record(actor, id, 'confirm', { seat: seatId });
  }

  async function decline(id: string, seatId: string, actor: CoordinatorId) {
    await roster.decline(id, seatId);
    await record(actor, id, 'decline', { seat: seatId });
  }

  async function setAttendance(id: string, seatId: string, attended: boolean, actor: CoordinatorId) {
    await roster.setAttendance(id, seatId, attended);
    await record(actor, id, 'attendance', { seat: seatId, attended: attended ? 'yes' : 'no' });
  }

  async function move(id: string, seatId: string, direction: 'up' | 'down', actor: CoordinatorId) {
    await roster.move(id, seatId, direction);
    await record(actor, id, 'reorder', { seat: seatId, direction });
  }

  return {
    create,
    update,
    setStatus,
    cancel,
    addByReference,
    sortBySlot,
    confirm,
    decline,
    setAttendance,
    move,
  };
}
