// What staff read of messages: the notifications that failed, the latest ones, the development
// outbox and one message of it (private links masked), each within the reader's offices.
import { Types } from 'mongoose';
import { type Notification, NotificationModel } from '../../models/notification.model.ts';
import { type OutboxMessage, OutboxMessageModel } from '../../models/outbox-message.model.ts';
import { AppError, notFound } from '../errors.ts';
import { maskAttachment, maskPrivateLinks } from './private-links.ts';

export type NotificationRecord = Notification & { _id: Types.ObjectId };
export type OutboxRecord = OutboxMessage & { _id: Types.ObjectId };

/**
 * Which offices' messages a reader may see: undefined for every office (a global
 * administrator), else a list; messages about no office are then left out.
 */
export type OfficeScope = string[] | undefined;

function officeFilter(offices: OfficeScope): Record<string, unknown> {
  if (!offices) return {};
  return {
    office: { $in: offices.filter((o) => Types.ObjectId.isValid(o)).map((o) => new Types.ObjectId(o)) },
  };
}

export function inScope(offices: OfficeScope, office: Types.ObjectId | undefined): boolean {
  return !offices || (office !== undefined && offices.includes(office.toString()));
}

export async function failed(limit = 50, offices: OfficeScope = undefined): Promise<NotificationRecord[]> {
  return NotificationModel.find({ status: 'failed', ...officeFilter(offices) })
    .sort({ updatedAt: -1 })
    .limit(limit)
    .lean<NotificationRecord[]>();
}

export async function recent(limit = 30, offices: OfficeScope = undefined): Promise<NotificationRecord[]> {
  return NotificationModel.find(officeFilter(offices))
    .sort({ updatedAt: -1 })
    .limit(limit)
    .lean<NotificationRecord[]>();
}

/** The development outbox, newest first, `before` an id for the next page. */
export async function outbox(
  opts: { limit?: number; before?: string; offices?: OfficeScope } = {},
): Promise<OutboxRecord[]> {
  const filter = {
    ...officeFilter(opts.offices),
    ...(opts.before && Types.ObjectId.isValid(opts.before)
      ? { _id: { $lt: new Types.ObjectId(opts.before) } }
      : {}),
  };
  return OutboxMessageModel.find(filter, { html: 0 })
    .sort({ _id: -1 })
    .limit(opts.limit ?? 30)
    .lean<OutboxRecord[]>();
}

/** One message of the outbox as staff see it: private links masked (the stored message is as sent). */
export async function outboxMessage(id: string, offices: OfficeScope = undefined): Promise<OutboxRecord> {
  if (!Types.ObjectId.isValid(id)) throw notFound();
  const found = await OutboxMessageModel.findById(id).lean<OutboxRecord>();
  if (!found) throw notFound();
  if (!inScope(offices, found.office)) throw new AppError('forbidden', 'error.forbidden');
  return {
    ...found,
    text: maskPrivateLinks(found.text),
    html: maskPrivateLinks(found.html),
    attachments: found.attachments.map((a) => ({
      ...a,
      content: maskAttachment(a.contentType, a.content),
    })),
  };
}
