// The composition root: the one place that builds what lives as long as the application —
// services, the mailer, the web layer's limits, the staff session store, the storage health
// that readiness reads — and wires them together. Nothing else keeps state across requests.
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { type Clock, createSystemRandom, type RandomBytes, systemClock } from './lib/clock.ts';
import { createStorageHealth, type StorageHealth } from './lib/database-errors.ts';
import { createDatabaseHitCounter, DatabaseRateStore } from './lib/database-rate-store.ts';
import { createSessionStore } from './lib/session-store.ts';
import type { MailTransport } from './mail/message.ts';
import { createEmailRenderer } from './mail/render.ts';
import { createMailTransport } from './mail/transport.ts';
// Registered for its TTL index, built at start with every model's (the store writes the collection).
import './models/rate-limit.model.ts';
import { type AuditService, createAuditService } from './services/audit-service.ts';
import { type BookingService, createBookingService } from './services/booking/booking-service.ts';
import { type CeremonyService, createCeremonyService } from './services/ceremony/ceremony-service.ts';
import { bound } from './services/context.ts';
import { createEventBus, type EventBus } from './services/events.ts';
import { createDrawCache } from './services/lottery/draw-cache.ts';
import { createLotteryService, type LotteryService } from './services/lottery/lottery-service.ts';
import {
  createMaintenanceService,
  type MaintenanceService,
} from './services/maintenance/maintenance-service.ts';
import {
  createNotificationService,
  type NotificationService,
} from './services/notifications/notification-service.ts';
import { operationsSnapshot } from './services/operations/operations-snapshot.ts';
import { createRetentionService, type RetentionService } from './services/retention/retention-service.ts';
import {
  createScheduleCache,
  createScheduleService,
  type ScheduleService,
} from './services/schedule-service.ts';
import { createStaffServices, type DayOpsService, type StaffServices } from './services/staff/index.ts';
import type { UnlockMail } from './services/staff/staff-context.ts';
import { findByPhone, type PhoneLookupResult } from './services/verification/phone-lookup.ts';
import {
  createVerificationService,
  type VerificationService,
} from './services/verification/verification-codes.ts';
import type { SmsSender } from './sms/message.ts';
import { createSmsSender } from './sms/sender.ts';
import { createWebLimits, type WebLimits } from './web/limits/index.ts';
import type { LimitStores } from './web/limits/rate-limit.ts';
import { createMetrics, type Metrics } from './web/metrics/registry.ts';

export interface Services {
  schedule: ScheduleService;
  booking: BookingService;
  /** Group ceremonies; also subscribes to appointment events (cancelled/moved take couples out). */
  ceremonies: CeremonyService;
  /** The audit log: record({ actor, action, target, before?, after?, officeId? }). */
  audit: AuditService;
  /** Running the day: checkIn, serve, markNoShow (also by 'system'), undo. */
  dayOps: DayOpsService;
  /** The staff console: accounts, offices, windows, plans, roster, dashboard. */
  staff: StaffServices;
  /** Peak-day lottery and reserved pools; jobs call runDueDraws, expireConfirmations, releaseReservedPools. */
  lottery: LotteryService;
  /** Messages to couples and staff, each sent at most once; the staff outbox page reads it. */
  notifications: NotificationService;
  /** Reconciliation of counters, holds and seats; no-shows; bookings whose jobs were never scheduled. */
  maintenance: MaintenanceService;
  /** The retention of personal data: the nightly erasure (run) and what the console shows (policy). */
  retention: RetentionService;
  /** Verification codes (验证码) sent by text: issue and check. */
  verification: VerificationService;
  /** Finding one's bookings by ID number (or reference), phone and a code. */
  phoneLookup: {
    findByPhone: (req: { who: string; phone: string; code: string }) => Promise<PhoneLookupResult | null>;
  };
}

export interface ContainerOptions {
  config: Readonly<Config>;
  logger: Logger;
  /** The current application secret: signs cookies, sessions, forms and derived tokens. */
  secret: string;
  /** Earlier secrets (APP_SECRET_PREVIOUS), accepted when verifying what they signed. */
  previousSecrets?: readonly string[];
  /** The key of ID fingerprints (ID_FINGERPRINT_SECRET); `secret` when unset. */
  fingerprintSecret?: string;
  clock?: Clock;
  random?: RandomBytes;
  /** The mail transport; by default SMTP from SMTP_URL, or the development outbox. */
  mailer?: MailTransport;
  /** The SMS sender; by default the provider of SMS_PROVIDER, or the development outbox. */
  smsSender?: SmsSender;
  /** Where rate limits and failure counters count; by default the database, shared by every process. */
  limitStores?: LimitStores;
}

export interface Container {
  config: Readonly<Config>;
  logger: Logger;
  secret: string;
  /** Earlier secrets, still accepted for what they signed (cookies, sessions, CSRF tokens). */
  previousSecrets: readonly string[];
  clock: Clock;
  events: EventBus;
  mailer: MailTransport;
  /** Texts: the provider of SMS_PROVIDER, or the development outbox. */
  smsSender: SmsSender;
  services: Services;
  /** The web layer's rate limits and failure counters. */
  limits: WebLimits;
  /** Whether a write was refused for want of storage (readiness probes with a write until one succeeds). */
  storage: StorageHealth;
  /** The Prometheus metrics GET /metrics serves (METRICS_TOKEN). */
  metrics: Metrics;
  /** The staff session store (MongoDB), built on first use: after the database is connected. */
  sessionStore(ttlSeconds: number): ReturnType<typeof createSessionStore>;
}

export function createContainer(opts: ContainerOptions): Container {
  const { config, logger, secret } = opts;
  if (!secret || secret.length < 32)
    throw new Error('createContainer: a secret of at least 32 characters is required');
  const clock = opts.clock ?? systemClock;
  const events = createEventBus((err, event) =>
    logger.error({ err, event: event.type }, 'event listener failed'),
  );
  const mailer = opts.mailer ?? createMailTransport(config);
  const smsSender = opts.smsSender ?? createSmsSender(config.sms);
  const services = createServices({
    ...opts,
    clock,
    random: opts.random ?? createSystemRandom(),
    events,
    mailer,
    smsSender,
  });
  let sessions: ReturnType<typeof createSessionStore> | undefined;
  const metrics = createMetrics({
    snapshot: () => operationsSnapshot({ clock, schedule: services.schedule }),
  });
  events.subscribe((event) => {
    if (event.type === 'appointment.booked') metrics.bookings.inc();
  });
  return {
    config,
    logger,
    secret,
    previousSecrets: opts.previousSecrets ?? [],
    clock,
    events,
    mailer,
    smsSender,
    services,
    limits: createWebLimits({ config, clock, stores: opts.limitStores ?? databaseLimitStores() }),
    storage: createStorageHealth(),
    metrics,
    sessionStore(ttlSeconds) {
      sessions ??= createSessionStore(ttlSeconds);
      return sessions;
    },
  };
}

/**
 * Every limit's counts in the database, under the limit's name: N processes allow what one does.
 * The process's stores share one hit counter, so that hits of different limits share a batch.
 */
function databaseLimitStores(): LimitStores {
  const count = createDatabaseHitCounter();
  return (name, now) => new DatabaseRateStore(`${name}:`, now, count);
}

type Wiring = ContainerOptions & {
  clock: Clock;
  random: RandomBytes;
  events: EventBus;
  mailer: MailTransport;
  smsSender: SmsSender;
};

/** The use cases, each service given the others it needs. */
function createServices(w: Wiring): Services {
  const { config, clock, random, events } = w;
  const keys = {
    secret: w.secret,
    previousSecrets: w.previousSecrets,
    fingerprintSecret: w.fingerprintSecret,
  };
  const schedule = createScheduleService({ clock, cache: createScheduleCache(config.scheduleCacheMs) });
  const audit = createAuditService({ clock });
  const verification = verificationOf(w);
  const checkPhone = verification.check;
  const booking = createBookingService({
    clock,
    random,
    ...keys,
    events,
    schedule,
    audit,
    checkPhone,
    checkPhoneToSpend: verification.checkToSpend,
  });
  const ceremonies = createCeremonyService({ clock, events, schedule, audit });
  const draws = createDrawCache();
  const lottery = createLotteryService({
    clock,
    random,
    ...keys,
    events,
    schedule,
    booking,
    audit,
    checkPhone,
    cache: draws,
  });
  const notifications = notificationsOf(w, schedule, lottery);
  const sendUnlockLink = unlockLinkSender(notifications, w.logger);
  const { dayOps, staff } = createStaffServices({
    clock,
    events,
    schedule,
    audit,
    booking,
    ceremonies,
    sendUnlockLink,
  });
  const maintenance = createMaintenanceService({ clock, ceremonies, dayOps });
  const retention = createRetentionService({
    clock,
    audit,
    retentionDays: config.retentionDays,
    scheduled: config.jobs !== 'off',
  });
  const phoneLookup = { findByPhone: bound({ clock, ...keys, schedule, checkPhone }, findByPhone) };
  return {
    schedule,
    booking,
    ceremonies,
    audit,
    dayOps,
    staff,
    lottery,
    notifications,
    maintenance,
    retention,
    verification,
    phoneLookup,
  };
}

function verificationOf(w: Wiring): VerificationService {
  return createVerificationService({
    clock: w.clock,
    random: w.random,
    secret: w.secret,
    previousSecrets: w.previousSecrets,
    sender: w.smsSender,
    sms: w.config.sms,
    logger: w.logger,
  });
}

/** E-mails (and, with SMS_NOTICES, texts) to couples and staff, once per key. */
function notificationsOf(w: Wiring, schedule: ScheduleService, lottery: LotteryService): NotificationService {
  const { config } = w;
  return createNotificationService({
    clock: w.clock,
    config,
    logger: w.logger,
    transport: w.mailer,
    renderer: createEmailRenderer({ reload: config.viewsReload }),
    schedule,
    ...(config.sms.notices ? { sms: { sender: w.smsSender, config: config.sms } } : {}),
    secret: w.secret,
    lotteryNotice: (event) => lottery.notice(event, config.baseUrl),
  });
}

/**
 * A locked account's unlock link, sent at once by the sign-in that locks (only it knows the
 * link) and never retried: a lock that mails nothing still ends by itself.
 */
function unlockLinkSender(notifications: NotificationService, logger: Logger) {
  return async (mail: UnlockMail): Promise<void> => {
    const spec = {
      kind: 'staff_unlock' as const,
      staffId: mail.staffId,
      lockedAt: mail.lockedAt.toISOString(),
      lockedUntil: mail.lockedUntil.toISOString(),
    };
    const result = await notifications
      .deliver(spec, { unlockToken: mail.token, maxAttempts: 1 })
      .catch((err: unknown) => {
        logger.error({ err }, 'unlock link not sent');
        return undefined;
      });
    if (result && result.outcome !== 'sent') logger.warn({ outcome: result.outcome }, 'unlock link not sent');
  };
}
