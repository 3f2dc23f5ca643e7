// The text beside each e-mail, sent the same way (delivery.ts): built from the spec and
// checked that it still applies, claimed by its own key (the e-mail's, `:sms`), handed to the
// sender, the outcome recorded. A transient failure (the network, throttling) leaves it
// `retrying` for the retry job; a refusal that will not pass (no approved template, a number
// the provider refuses, wrong credentials) or the last attempt leaves it `failed`, shown to
// staff with a resend button beside the e-mails.
import { NotificationModel, type NotificationStatus } from '../../models/notification.model.ts';
import { isPermanentSmsError, smsErrorText } from '../../sms/message.ts';
import { prepareSms } from '../../sms/prepare.ts';
import { claim } from './claim.ts';
import type { Preloaded } from './compose-appointment.ts';
import { type ComposedSms, composeSms } from './compose-sms.ts';
import type { NotificationRecord } from './notification-reads.ts';
import type { DeliveryResult, NotificationContext } from './notification-types.ts';
import type { NotificationSpec } from './specs.ts';

/** Sends a claimed text and records the outcome. */
export async function transmitSms(
  ctx: NotificationContext,
  n: Pick<NotificationRecord, '_id' | 'key' | 'attempts'>,
  c: ComposedSms,
  maxAttempts: number,
): Promise<DeliveryResult> {
  const base = { key: n.key, notificationId: n._id.toString(), attempts: n.attempts };
  const record = async (status: NotificationStatus, error: string) => {
    await NotificationModel.updateOne(
      { _id: n._id, status: 'sending' },
      { $set: { status, lastError: error } },
    );
    ctx.logger.warn(
      { key: n.key, attempts: n.attempts, error, final: status === 'failed' },
      'text not delivered',
    );
  };
  // In the same turn as the e-mail beside it (delivery.ts, transmit), so that their outbox copies
  // and outcomes are still written together.
  await ctx.background.turn();
  const channel = ctx.sms;
  const message = channel && prepareSms(c.built, c.to, channel.config, n.key);
  if (!channel || !message) {
    const error = `SMS_TEMPLATES has no template for ${c.built.kind}`;
    await record('failed', error);
    return { ...base, outcome: 'failed', detail: error };
  }
  try {
    const info = await channel.sender.send({ ...message, ...(c.officeId ? { officeId: c.officeId } : {}) });
    const sentAt = new Date();
    // Recorded with the outcomes of the e-mails and texts sent at the same moment, in one command.
    await ctx.writes.update({
      filter: { _id: n._id, status: 'sending' },
      update: {
        $set: { status: 'sent', sentAt, messageId: info.messageId, subject: c.built.text, updatedAt: sentAt },
        $unset: { nextAttemptAt: 1, lastError: 1 },
      },
    });
    return { ...base, outcome: 'sent' };
  } catch (err) {
    const error = smsErrorText(err);
    const last = isPermanentSmsError(err) || n.attempts >= maxAttempts;
    await record(last ? 'failed' : 'retrying', error);
    return { ...base, outcome: last ? 'failed' : 'retrying', detail: error };
  }
}

/** The text of a notification, unless it has none or was already claimed. */
export async function deliverSms(
  ctx: NotificationContext,
  spec: NotificationSpec,
  opts: { preloaded?: Preloaded | undefined; maxAttempts: number },
): Promise<DeliveryResult | undefined> {
  if (!ctx.sms) return undefined;
  const c = await composeSms(ctx, spec, opts.preloaded);
  if ('skip' in c) return { outcome: 'skipped', key: '', detail: c.skip };
  const claimed = await claim(ctx, c.key, spec, { channel: 'sms', ...c, subject: c.built.text });
  if (!claimed) return { outcome: 'duplicate', key: c.key };
  return transmitSms(ctx, claimed, c, opts.maxAttempts);
}
