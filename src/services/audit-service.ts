// The audit log: every change to capacity, plans, accounts and bookings, with who did it,
// when, and the values before and after. Other areas (ceremonies, lottery, jobs) record
// through `container.services.audit.record(...)` too.
import { Types } from 'mongoose';
import type { Clock } from '../lib/clock.ts';
import { type AuditEntry, AuditLogModel } from '../models/audit-log.model.ts';
import { StaffUserModel } from '../models/staff-user.model.ts';

export interface AuditInput {
  /** A staff user's id, 'system', or a channel ('couple'); a staff object is accepted too. */
  actor: string | { id: string; name?: string };
  /** Dotted verb, e.g. 'appointment.check_in', 'plan.save', 'account.create'. */
  action: string;
  /** 'kind:id' (e.g. 'appointment:66a1...'), or { kind, id, label }. */
  target: string | { kind: string; id: string; label?: string };
  before?: unknown;
  after?: unknown;
  officeId?: string | Types.ObjectId;
}

export type AuditRecord = AuditEntry & { _id: Types.ObjectId };

export interface AuditQuery {
  /** Restrict to these offices (a non-admin's scope); undefined: every entry. */
  offices?: string[];
  office?: string;
  action?: string;
  actor?: string;
  target?: string;
  from?: Date;
  to?: Date;
  page?: number;
  perPage?: number;
}

const isObjectId = (v: string) => /^[a-f0-9]{24}$/i.test(v);

/** Dates and ObjectIds as plain JSON so before/after compare and display the same way. */
function plain(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value));
}

export function createAuditService(deps: { clock: Clock }) {
  const { clock } = deps;

  async function record(input: AuditInput): Promise<void> {
    const actor = typeof input.actor === 'string' ? input.actor : input.actor.id;
    let actorName = typeof input.actor === 'string' ? undefined : input.actor.name;
    if (!actorName && isObjectId(actor)) {
      actorName = (await StaffUserModel.findById(actor, { name: 1 }).lean())?.name;
    }
    const target =
      typeof input.target === 'string' ? input.target : `${input.target.kind}:${input.target.id}`;
    const targetLabel = typeof input.target === 'string' ? undefined : input.target.label;
    const officeId = input.officeId?.toString();
    await AuditLogModel.create({
      at: clock(),
      actor,
      ...(actorName ? { actorName } : {}),
      action: input.action,
      target,
      ...(targetLabel ? { targetLabel } : {}),
      ...(input.before !== undefined ? { before: plain(input.before) } : {}),
      ...(input.after !== undefined ? { after: plain(input.after) } : {}),
      ...(officeId && isObjectId(officeId) ? { office: new Types.ObjectId(officeId) } : {}),
    });
  }

  async function list(
    q: AuditQuery,
  ): Promise<{ entries: AuditRecord[]; total: number; page: number; pages: number }> {
    const filter: Record<string, unknown> = {};
    const officeFilter: Record<string, unknown> = {};
    if (q.offices) officeFilter.$in = q.offices.filter(isObjectId).map((id) => new Types.ObjectId(id));
    if (q.office && isObjectId(q.office)) {
      if (q.offices && !q.offices.includes(q.office)) officeFilter.$in = [];
      else officeFilter.$eq = new Types.ObjectId(q.office);
    }
    if (Object.keys(officeFilter).length) filter.office = officeFilter;
    if (q.action) filter.action = { $regex: `^${q.action.replace(/[^a-z0-9_.]/gi, '')}` };
    if (q.actor) filter.actor = q.actor;
    if (q.target) filter.target = { $regex: `^${q.target.replace(/[^a-z0-9_:/.-]/gi, '')}` };
    if (q.from || q.to) filter.at = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
    const perPage = Math.min(Math.max(q.perPage ?? 50, 1), 200);
    const total = await AuditLogModel.countDocuments(filter);
    const pages = Math.max(1, Math.ceil(total / perPage));
    const page = Math.min(Math.max(q.page ?? 1, 1), pages);
    const entries = await AuditLogModel.find(filter)
      .sort({ at: -1, _id: -1 })
      .skip((page - 1) * perPage)
      .limit(perPage)
      .lean<AuditRecord[]>();
    return { entries, total, page, pages };
  }

  /** The entries about one target (e.g. an appointment's page), newest first. */
  async function forTarget(target: string, limit = 50): Promise<AuditRecord[]> {
    return AuditLogModel.find({ target }).sort({ at: -1, _id: -1 }).limit(limit).lean<AuditRecord[]>();
  }

  return { record, list, forTarget };
}

export type AuditService = ReturnType<typeof createAuditService>;
