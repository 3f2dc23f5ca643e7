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
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Clock } from '../../lib/clock.ts';
import { isPermanentMailError, type MailTransport, mailErrorText } from '../../mail/message.ts';
import type { EmailRenderer } from '../../mail/render.ts';
import {
  type Notification,
  NotificationModel,
  type NotificationStatus,
} from '../../models/notification.model.ts';
import { type OutboxMessage, OutboxMessageModel } from '../../models/outbox-message.model.ts';
import { AppError, notFound } from '../errors.ts';
import type { LotteryEvent } from '../events.ts';
import type { LotteryNotice } from '../lottery/lottery-service.ts';
import type { ScheduleService } from '../schedule-service.ts';
import {
  type Composed,
  createAppointmentComposer,
  type Preloaded,
  type Skipped,
} from './compose-appointment.ts';
import { createStaffComposer } from './compose-staff.ts';
import { maskAttachment, maskPrivateLinks } from './private-links.ts';
import { type NotificationSpec, notificationKey } from './specs.ts';

export type DeliveryOutcome = 'sent' | 'skipped' | 'duplicate' | 'retrying' | 'failed';

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  key: string;
  notificationId?: string;
  attempts?: number;
  /** Why it was skipped, or the transport's error. */
  detail?: string;
}

export interface DeliverOptions {
  /** The private manage token, known only to the process that made the booking; never stored. */
  manageToken?: string;
  /** A locked staff account's unlock token, known only to the sign-in that locked it; never stored. */
  unlockToken?: string;
  preloaded?: Preloaded;
  /** Attempts before a transient failure becomes `failed` (default 5). */
  maxAttempts?: number;
}

export interface NotificationServiceDeps {
  clock: Clock;
  config: Pick<Readonly<Config>, 'baseUrl'>;
  logger: Logger;
  transport: MailTransport;
  renderer: EmailRenderer;
  schedule: ScheduleService;
  /** A `sending` claim older than this is taken to be from a process that died. */
  staleSendingMs?: number;
  /** Words the lottery's notices (services.lottery.notice); without it they are skipped. */
  lotteryNotice?: (event: LotteryEvent) => Promise<LotteryNotice | null>;
}

export type NotificationRecord = Notification & { _id: Types.ObjectId };

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

function inScope(offices: OfficeScope, office: Types.ObjectId | undefined): boolean {
  return !offices || (office !== undefined && offices.includes(office.toString()));
}
export type OutboxRecord = OutboxMessage & { _id: Types.ObjectId };

const DUPLICATE_KEY = 11000;
const DEFAULT_MAX_ATTEMPTS = 5;

function isSkipped(c: Composed | Skipped): c is Skipped {
  return 'skip' in c;
}

export function createNotificationService(deps: NotificationServiceDeps) {
  for (const name of ['clock', 'config', 'logger', 'transport', 'renderer', 'schedule'] as const) {
    if (!deps[name]) throw new Error(`createNotificationService: ${name} is required`);
  }
  const { clock, logger, transport, renderer } = deps;
  const baseUrl = deps.config.baseUrl;
  const staleSendingMs = deps.staleSendingMs ?? 15 * 60_000;
  const host = (() => {
    try {
      return new URL(baseUrl).hostname || 'registry.localhost';
    } catch {
      return 'registry.localhost';
    }
  })();
  const appointments = createAppointmentComposer({ clock, baseUrl, schedule: deps.schedule });
  const staff = createStaffComposer({ clock, baseUrl });

  async function composeLottery(event: LotteryEvent): Promise<Composed | Skipped> {
    if (!deps.lotteryNotice) return { skip: 'no lottery notices' };
    // Stored events come back with their instants as dates or as text: the wording wants dates.
    const revived = 'confirmBy' in event ? { ...event, confirmBy: new Date(event.confirmBy) } : event;
    let notice: LotteryNotice | null;
    try {
      notice = await deps.lotteryNotice(revived);
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

  function compose(spec: NotificationSpec, opts: DeliverOptions): Promise<Composed | Skipped> {
    if (spec.kind === 'roster' || spec.kind === 'peak_days' || spec.kind === 'staff_unlock') {
      return staff.compose(spec, opts.unlockToken ? { unlockToken: opts.unlockToken } : {});
    }
    if (spec.kind === 'lottery') return composeLottery(spec.event);
    return appointments.compose(spec, {
      ...(opts.manageToken ? { manageToken: opts.manageToken } : {}),
      ...(opts.preloaded ? { preloaded: opts.preloaded } : {}),
    });
  }

  /** Stable per key, so a receiving server can drop a repeat; a staff resend gets its own. */
  function messageIdFor(key: string, resend?: number): string {
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
    return `<${hash}${resend ? `.r${resend}` : ''}@${host}>`;
  }

  /** Inserts the claim; null when the key is taken (and a long-dead `sending` claim is marked failed). */
  async function claim(key: string, spec: NotificationSpec, c: Composed): Promise<NotificationRecord | null> {
    try {
      const doc = await NotificationModel.create({
        key,
        kind: spec.kind,
        spec,
        to: c.to,
        locale: c.locale,
        subject: c.message.subject,
        ...(c.appointmentId ? { appointment: new Types.ObjectId(c.appointmentId) } : {}),
        ...(c.officeId ? { office: new Types.ObjectId(c.officeId) } : {}),
        status: 'sending',
        attempts: 1,
        claimedAt: new Date(),
      });
      return doc.toObject() as NotificationRecord;
    } catch (err) {
      if ((err as { code?: number })?.code !== DUPLICATE_KEY) throw err;
      const held = await NotificationModel.findOne({ key }, { status: 1, claimedAt: 1 }).lean();
      if (held?.status === 'sending' && Date.now() - held.claimedAt.getTime() > staleSendingMs) {
        await markInterrupted(held._id, held.claimedAt);
      }
      return null;
    }
  }

  async function markInterrupted(id: Types.ObjectId, claimedAt: Date): Promise<void> {
    const res = await NotificationModel.updateOne(
      { _id: id, status: 'sending', claimedAt },
      { $set: { status: 'failed', lastError: 'interrupted while sending: delivery unknown' } },
    );
    if (res.modifiedCount)
      logger.warn({ notificationId: id.toString() }, 'notification interrupted while sending');
  }

  /** Sends a claimed notification and records the outcome. */
  async function transmit(
    n: Pick<NotificationRecord, '_id' | 'key' | 'attempts'>,
    c: Composed,
    maxAttempts: number,
    resend?: number,
  ): Promise<DeliveryResult> {
    const base = { key: n.key, notificationId: n._id.toString(), attempts: n.attempts };
    try {
      const body = await renderer.render(c.message.template, c.locale, c.message.locals);
      const info = await transport.send({
        to: c.to,
        subject: c.message.subject,
        html: body.html,
        text: body.text,
        ...(c.message.attachments ? { attachments: c.message.attachments } : {}),
        messageId: messageIdFor(n.key, resend),
        headers: { 'X-Notification-Key': n.key, 'Auto-Submitted': 'auto-generated' },
        ...(c.officeId ? { officeId: c.officeId } : {}),
      });
      await NotificationModel.updateOne(
        { _id: n._id, status: 'sending' },
        {
          $set: { status: 'sent', sentAt: new Date(), messageId: info.messageId, subject: c.message.subject },
          $unset: { nextAttemptAt: 1, lastError: 1 },
        },
      );
      return { ...base, outcome: 'sent' };
    } catch (err) {
      const error = mailErrorText(err);
      const last = isPermanentMailError(err) || n.attempts >= maxAttempts;
      const status: NotificationStatus = last ? 'failed' : 'retrying';
      await NotificationModel.updateOne(
        { _id: n._id, status: 'sending' },
        { $set: { status, lastError: error } },
      );
      logger.warn({ key: n.key, attempts: n.attempts, error, final: last }, 'notification not delivered');
      return { ...base, outcome: last ? 'failed' : 'retrying', detail: error };
    }
  }

  /** Sends the notification the spec describes, unless it no longer applies or was already claimed. */
  async function deliver(spec: NotificationSpec, opts: DeliverOptions = {}): Promise<DeliveryResult> {
    const c = await compose(spec, opts);
    if (isSkipped(c)) return { outcome: 'skipped', key: notificationKey(spec), detail: c.skip };
    const key = c.key ?? notificationKey(spec);
    const claimed = await claim(key, spec, c);
    if (!claimed) return { outcome: 'duplicate', key };
    return transmit(claimed, c, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  }

  /**
   * Takes a notification out of `fromStatus` into `sending` (one attempt more), rebuilds it
   * from its spec, and sends it. Only one caller can win the conditional update.
   */
  async function again(
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
    const c = await compose(spec, {});
    if (isSkipped(c)) {
      await NotificationModel.updateOne(
        { _id: taken._id, status: 'sending' },
        { $set: { status: 'skipped', lastError: `no longer applies: ${c.skip}` } },
      );
      return { outcome: 'skipped', key: taken.key, notificationId: id, detail: c.skip };
    }
    const limit = maxAttempts === 'once' ? taken.attempts : maxAttempts;
    return transmit(taken, c, limit, actor ? taken.attempts : undefined);
  }

  /** A retry job's attempt at a `retrying` notification. */
  function retry(notificationId: string, opts: { maxAttempts?: number } = {}): Promise<DeliveryResult> {
    return again(notificationId, 'retrying', opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  }

  /** Staff send a failed notification again, once, now; the outcome is shown to them. */
  async function resend(
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
    const result = await again(notificationId, 'failed', 'once', actor);
    if (result.outcome === 'duplicate') throw new AppError('conflict', 'outbox.resend_conflict');
    return result;
  }

  /** Records when the retry is due (shown to staff); the caller schedules the retry job. */
  async function retryAt(notificationId: string, at: Date): Promise<void> {
    await NotificationModel.updateOne(
      { _id: notificationId, status: 'retrying' },
      { $set: { nextAttemptAt: at } },
    );
  }

  async function failed(limit = 50, offices: OfficeScope = undefined): Promise<NotificationRecord[]> {
    return NotificationModel.find({ status: 'failed', ...officeFilter(offices) })
      .sort({ updatedAt: -1 })
      .limit(limit)
      .lean<NotificationRecord[]>();
  }

  async function recent(limit = 30, offices: OfficeScope = undefined): Promise<NotificationRecord[]> {
    return NotificationModel.find(officeFilter(offices))
      .sort({ updatedAt: -1 })
      .limit(limit)
      .lean<NotificationRecord[]>();
  }

  /** The development outbox, newest first, `before` an id for the next page. */
  async function outbox(
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
  async function outboxMessage(id: string, offices: OfficeScope = undefined): Promise<OutboxRecord> {
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

  return {
    deliver,
    retry,
    resend,
    retryAt,
    failed,
    recent,
    outbox,
    outboxMessage,
    transportKind: transport.kind,
    staffOfOffice: staff.staffOfOffice,
    administrators: staff.administrators,
    close: () => transport.close(),
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
