// Messages to couples and staff, each sent at most once (delivery.ts), and what staff read of
// them (notification-reads.ts).
import { createBackgroundLane } from '../../lib/background-lane.ts';
import { bound } from '../context.ts';
import { administrators, staffOfOffice } from './compose-staff.ts';
import { deliver, resend, retry, retryAt } from './delivery.ts';
import { createDeliveryWrites } from './delivery-writes.ts';
import { failed, outbox, outboxMessage, recent } from './notification-reads.ts';
import type { NotificationContext, NotificationServiceDeps } from './notification-types.ts';
import { resolveShortLink } from './short-links.ts';

export type { NotificationRecord, OfficeScope, OutboxRecord } from './notification-reads.ts';
export type {
  DeliverOptions,
  DeliveryOutcome,
  DeliveryResult,
  NotificationServiceDeps,
} from './notification-types.ts';

export function createNotificationService(deps: NotificationServiceDeps) {
  for (const name of ['clock', 'config', 'logger', 'transport', 'renderer', 'schedule'] as const) {
    if (!deps[name]) throw new Error(`createNotificationService: ${name} is required`);
  }
  const baseUrl = deps.config.baseUrl;
  const ctx: NotificationContext = {
    ...deps,
    baseUrl,
    staleSendingMs: deps.staleSendingMs ?? 15 * 60_000,
    background: createBackgroundLane(),
    host: hostOf(baseUrl),
    writes: createDeliveryWrites(),
  };
  return {
    deliver: bound(ctx, deliver),
    retry: bound(ctx, retry),
    resend: bound(ctx, resend),
    retryAt,
    failed,
    recent,
    outbox,
    outboxMessage,
    transportKind: deps.transport.kind,
    /** The lane messages are built and rendered in, behind the requests (background-lane.ts). */
    background: ctx.background,
    staffOfOffice,
    administrators,
    /** What a text's short link (/m/<token>) opens. */
    openShortLink: resolveShortLink,
    close: () => {
      deps.transport.close();
      deps.sms?.sender.close();
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).hostname || 'registry.localhost';
  } catch {
    return 'registry.localhost';
  }
}
