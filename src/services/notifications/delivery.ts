// Sends each notification at most once. The order is what makes it safe:
//   1. build the message from its spec, checking that it still applies (a cancelled booking
//      gets no reminder) — nothing is recorded when it does not;
//   2. claim the notification's key (unique index): a second job, a retried job or another
//      process finds the key taken and sends nothing;
//   3. hand the message to the transport, then record the outcome.
// A transient SMTP failure leaves the notification `retrying` (the caller schedules a retry
// with backoff); after the last attempt, or on a permanent refusal, it is `failed` and shown
// to staff with a resend button. A process that dies between 2 and 3 leaves it `sending`:
// after a while it is marked failed ("interrupted") for staff to look at, never re-sent blindly.
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { isPermanentMailError, mailErrorText } from '../../mail/message.ts';
import { NotificationModel, type NotificationStatus } from '../../models/notification.model.ts';
import { AppError, notFound } from '../errors.ts';
import type { LotteryEvent } from '../events.ts';
import type { LotteryNotice } from '../lottery/lottery-service.ts';
import { claim } from './claim.ts';
import { type Composed, composeAppointmentNotice, type Skipped } from './compose-appointment.ts';
import { composeSms } from './compose-sms.ts';
import { composeStaffNotice } from './compose-staff.ts';
import { inScope, type NotificationRecord, type OfficeScope } from './notification-reads.ts';
import type { DeliverOptions, DeliveryResult, NotificationContext } from './notification-types.ts';
import { deliverSms, transmitSms } from './sms-delivery.ts';
import { type NotificationSpec, notificationKey } from './specs.ts';

const DEFAULT_MAX_ATTEMPTS = 5;

function isSkipped<C extends object>(c: C | Skipped): c is Skipped {
  return 'skip' in c;
}

async function composeLottery(ctx: NotificationContext, event: LotteryEvent): Promise<Composed | Skipped> {
  if (!ctx.lotteryNotice) return { skip: 'no lottery notices' };
  // Stored events come back with their instants as dates or as text: the wording wants dates.
  const revived = 'confirmBy' in event ? { ...event, confirmBy: new Date(event.confirmBy) } : event;
  let notice: LotteryNotice | null;
  try {
    notice = await ctx.lotteryNotice(revived);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') return { skip: 'not found' };
    throw err;
  }
  if (!notice) return { skip: 'no recipient' };
  return {
    key: notice.key,
    to: notice.to,
    locale: notice.locale,
    message: notice.message,
    officeId: notice.officeId,
  };
}

function compose(
  ctx: NotificationContext,
  spec: NotificationSpec,
  opts: DeliverOptions,
): Promise<Composed | Skipped> {
  if (spec.kind === 'roster' || spec.kind === 'peak_days' || spec.kind === 'staff_unlock') {
    return composeStaffNotice(ctx, spec, opts.unlockToken ? { unlockToken: opts.unlockToken } : {});
  }
  if (spec.kind === 'lottery') return composeLottery(ctx, spec.event);
  return composeAppointmentNotice(ctx, spec, {
    ...(opts.manageToken ? { manageToken: opts.manageToken } : {}),
    ...(opts.preloaded ? { preloaded: opts.preloaded } : {}),
  });
}

/** Stable per key, so a receiving server can drop a repeat; a staff resend gets its own. */
function messageIdFor(ctx: NotificationContext, key: string, resend?: number): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `<${hash}${resend ? `.r${resend}` : ''}@${ctx.host}>`;
}

/** Sends a claimed notification and records the outcome. */
async function transmit(
  ctx: NotificationContext,
  n: Pick<NotificationRecord, '_id' | 'key' | 'attempts'>,
  c: Composed,
  maxAttempts: number,
  resend?: number,
): Promise<DeliveryResult> {
  const base = { key: n.key, notificationId: n._id.toString(), attempts: n.attempts };
  // The claims of a rush's messages come back together: each is rendered in a turn of its own,
  // behind the requests waiting, not a hundred renders in one run (background-lane.ts).
  await ctx.background.turn();
  try {
    const body = await ctx.renderer.render(c.message.template, c.locale, c.message.locals);
    const info = await ctx.transport.send({
      to: c.to,
      subject: c.message.subject,
      html: body.html,
      text: body.text,
      ...(c.message.attachments ? { attachments: c.message.attachments } : {}),
      messageId: messageIdFor(ctx, n.key, resend),
      headers: { 'X-Notification-Key': n.key, 'Auto-Submitted': 'auto-generated' },
      ...(c.officeId ? { officeId: c.officeId } : {}),
    });
    const sentAt = new Date();
    await ctx.writes.update({
      filter: { _id: n._id, status: 'sending' },
      update: {
        $set: {
          status: 'sent',
          sentAt,
          messageId: info.messageId,
          subject: c.message.subject,
          updatedAt: sentAt,
        },
        $unset: { nextAttemptAt: 1, lastError: 1 },
      },
    });
    return { ...base, outcome: 'sent' };
  } catch (err) {
    const error = mailErrorText(err);
    const last = isPermanentMailError(err) || n.attempts >= maxAttempts;
    const status: NotificationStatus = last ? 'failed' : 'retrying';
    await NotificationModel.updateOne(
      { _id: n._id, status: 'sending' },
      { $set: { status, lastError: error } },
    );
    ctx.logger.warn({ key: n.key, attempts: n.attempts, error, final: last }, 'notification not delivered');
    return { ...base, outcome: last ? 'failed' : 'retrying', detail: error };
  }
}

/**
 * Sends the notification the spec describes, unless it no longer applies or was already
 * claimed: the e-mail (when the couple gave an address) and the text beside it (when there is
 * an SMS channel), each claimed and sent once. The result is the e-mail's, the text's under `sms`.
 */
export async function deliver(
  ctx: NotificationContext,
  spec: NotificationSpec,
  opts: DeliverOptions = {},
): Promise<DeliveryResult> {
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  // Side by side, so that the e-mail's claim, outbox copy and outcome share their commands with
  // the text's; each is claimed on its own key, and one failing does not stop the other.
  const [email, sms] = await Promise.allSettled([
    deliverEmail(ctx, spec, opts, maxAttempts),
    deliverSms(ctx, spec, { preloaded: opts.preloaded, maxAttempts }),
  ]);
  if (email.status === 'rejected') throw email.reason;
  if (sms.status === 'rejected') throw sms.reason;
  return sms.value ? { ...email.value, sms: sms.value } : email.value;
}

async function deliverEmail(
  ctx: NotificationContext,
  spec: NotificationSpec,
  opts: DeliverOptions,
  maxAttempts: number,
): Promise<DeliveryResult> {
  const c = await compose(ctx, spec, opts);
  if (isSkipped(c)) return { outcome: 'skipped', key: notificationKey(spec), detail: c.skip };
  const key = c.key ?? notificationKey(spec);
  const claimed = await claim(ctx, key, spec, { channel: 'email', ...c, subject: c.message.subject });
  if (!claimed) return { outcome: 'duplicate', key };
  return transmit(ctx, claimed, c, maxAttempts);
}

/**
 * Takes a notification out of `fromStatus` into `sending` (one attempt more), rebuilds it
 * from its spec, and sends it. Only one caller can win the conditional update.
 */
async function again(
  ctx: NotificationContext,
  id: string,
  fromStatus: 'retrying' | 'failed',
  maxAttempts: number | 'once',
  actor?: string,
): Promise<DeliveryResult> {
  if (!Types.ObjectId.isValid(id)) throw notFound();
  const taken = await NotificationModel.findOneAndUpdate(
    { _id: id, status: fromStatus },
    {
      $set: { status: 'sending', claimedAt: new Date(), ...(actor ? { resentBy: actor } : {}) },
      $inc: { attempts: 1 },
      $unset: { nextAttemptAt: 1 },
    },
    { returnDocument: 'after' },
  ).lean<NotificationRecord>();
  if (!taken) {
    const exists = await NotificationModel.exists({ _id: id });
    if (!exists) throw notFound();
    return { outcome: 'duplicate', key: '', notificationId: id };
  }
  const spec = taken.spec as unknown as NotificationSpec;
  const c = taken.channel === 'sms' ? await composeSms(ctx, spec) : await compose(ctx, spec, {});
  if (isSkipped(c)) {
    await NotificationModel.updateOne(
      { _id: taken._id, status: 'sending' },
      { $set: { status: 'skipped', lastError: `no longer applies: ${c.skip}` } },
    );
    return { outcome: 'skipped', key: taken.key, notificationId: id, detail: c.skip };
  }
  const limit = maxAttempts === 'once' ? taken.attempts : maxAttempts;
  if ('built' in c) return transmitSms(ctx, taken, c, limit);
  return transmit(ctx, taken, c, limit, actor ? taken.attempts : undefined);
}

/** A retry job's attempt at a `retrying` notification. */
export function retry(
  ctx: NotificationContext,
  notificationId: string,
  opts: { maxAttempts?: number } = {},
): Promise<DeliveryResult> {
  return again(ctx, notificationId, 'retrying', opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
}

/** Staff send a failed notification again, once, now; the outcome is shown to them. */
export async function resend(
  ctx: NotificationContext,
  notificationId: string,
  actor: string,
  offices: OfficeScope = undefined,
): Promise<DeliveryResult> {
  if (offices) {
    if (!Types.ObjectId.isValid(notificationId)) throw notFound();
    const n = await NotificationModel.findById(notificationId, { office: 1 }).lean();
    if (!n) throw notFound();
    if (!inScope(offices, n.office)) throw new AppError('forbidden', 'error.forbidden');
  }
  const result = await again(ctx, notificationId, 'failed', 'once', actor);
  if (result.outcome === 'duplicate') throw new AppError('conflict', 'outbox.resend_conflict');
  return result;
}

/** Records when the retry is due (shown to staff); the caller schedules the retry job. */
export async function retryAt(notificationId: string, at: Date): Promise<void> {
  await NotificationModel.updateOne(
    { _id: notificationId, status: 'retrying' },
    { $set: { nextAttemptAt: at } },
  );
}
