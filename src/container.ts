// The composition root: the one place that wires repositories, services, mailer and jobs.
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { type BookingService, createBookingService } from './services/booking/booking-service.ts';
import { type CeremonyService, createCeremonyService } from './services/ceremony/ceremony-service.ts';
import { type Clock, type RandomBytes, systemClock, systemRandom } from './services/clock.ts';
import { createEventBus, type EventBus } from './services/events.ts';
import { createScheduleService, type ScheduleService } from './services/schedule-service.ts';
import {
  type AuditService,
  createStaffServices,
  type DayOpsService,
  type StaffServices,
} from './services/staff/index.ts';

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
}

export interface ContainerOptions {
  config: Readonly<Config>;
  logger: Logger;
  secret: string;
  clock?: Clock;
  random?: RandomBytes;
}

export interface Container {
  config: Readonly<Config>;
  logger: Logger;
  secret: string;
  clock: Clock;
  events: EventBus;
  services: Services;
}

export function createContainer(opts: ContainerOptions): Container {
  const { config, logger, secret } = opts;
  if (!secret || secret.length < 32)
    throw new Error('createContainer: a secret of at least 32 characters is required');
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? systemRandom;
  const events = createEventBus((err, event) =>
    logger.error({ err, event: event.type }, 'event listener failed'),
  );
  const schedule = createScheduleService({ clock, cacheMs: config.scheduleCacheMs });
  const booking = createBookingService({ clock, random, secret, events, schedule });
  const ceremonies = createCeremonyService({ clock, events, schedule });
  const { audit, dayOps, staff } = createStaffServices({ clock, events, schedule });
  return {
    config,
    logger,
    secret,
    clock,
    events,
    services: { schedule, booking, ceremonies, audit, dayOps, staff },
  };
}
