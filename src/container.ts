// The composition root: the one place that wires repositories, services, mailer and jobs.
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { AppointmentRecord } from './services/booking/booking-service.ts';
import { type BookingService, createBookingService } from './services/booking/booking-service.ts';
import { type Clock, type RandomBytes, systemClock, systemRandom } from './services/clock.ts';
import { createEventBus, type EventBus } from './services/events.ts';
import {
  createScheduleService,
  type OfficeRecord,
  type ScheduleService,
} from './services/schedule-service.ts';

export interface Services {
  schedule: ScheduleService;
  booking: BookingService;
  /** Upcoming ceremonies of an office shown on public pages (from `from` for `days` days). */
  ceremoniesForOffice?: (office: OfficeRecord, from: string, days: number) => Promise<unknown[]>;
  /** The ceremony an appointment has joined or may join, for the confirmation and manage pages. */
  ceremonyForAppointment?: (appointment: AppointmentRecord) => Promise<unknown>;
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
  const schedule = createScheduleService({ clock });
  const booking = createBookingService({ clock, random, secret, events, schedule });
  return { config, logger, secret, clock, events, services: { schedule, booking } };
}
