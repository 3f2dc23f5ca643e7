// The claim that makes a notification happen at most once, whatever its channel: the first
// to insert its key sends it; anyone else finds the key taken and sends nothing.
import { Types } from 'mongoose';
import { NotificationModel, newNotificationDocument } from '../../models/notification.model.ts';
import type { NotificationRecord } from './notification-reads.ts';
import type { NotificationContext } from './notification-types.ts';
import type { NotificationSpec } from './specs.ts';

const DUPLICATE_KEY = 11000;

/** What the claim records of the message: where it goes and what it says, in a line. */
export interface ClaimFields {
  channel: 'email' | 'sms';
  to: string;
  locale: string;
  subject: string;
  appointmentId?: string | undefined;
  officeId?: string | undefined;
}

/** Inserts the claim; null when the key is taken (and a long-dead `sending` claim is marked failed). */
export async function claim(
  ctx: NotificationContext,
  key: string,
  spec: NotificationSpec,
  c: ClaimFields,
): Promise<NotificationRecord | null> {
  try {
    const doc = newNotificationDocument(
      {
        key,
        kind: spec.kind,
        channel: c.channel,
        spec: spec as unknown as Record<string, unknown>,
        to: c.to,
        locale: c.locale,
        subject: c.subject,
        ...(c.appointmentId ? { appointment: new Types.ObjectId(c.appointmentId) } : {}),
        ...(c.officeId ? { office: new Types.ObjectId(c.officeId) } : {}),
        status: 'sending',
        attempts: 1,
        claimedAt: new Date(),
      },
      new Date(),
    );
    // Many bookings' claims share one insert (the writes batch them); a taken key still throws.
    await ctx.writes.claim(doc);
    return doc as NotificationRecord;
  } catch (err) {
    if ((err as { code?: number })?.code !== DUPLICATE_KEY) throw err;
    const held = await NotificationModel.findOne({ key }, { status: 1, claimedAt: 1 }).lean();
    if (held?.status === 'sending' && Date.now() - held.claimedAt.getTime() > ctx.staleSendingMs) {
      await markInterrupted(ctx, held._id, held.claimedAt);
    }
    return null;
  }
}

async function markInterrupted(ctx: NotificationContext, id: Types.ObjectId, claimedAt: Date): Promise<void> {
  const res = await NotificationModel.updateOne(
    { _id: id, status: 'sending', claimedAt },
    { $set: { status: 'failed', lastError: 'interrupted while sending: delivery unknown' } },
  );
  if (res.modifiedCount)
    ctx.logger.warn({ notificationId: id.toString() }, 'notification interrupted while sending');
}
