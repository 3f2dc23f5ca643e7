// What every part of the ceremony service shares: the clock, the event bus, the schedule
// (offices and their zones), and small helpers for the records they pass around.
import type { Types } from 'mongoose';
import type { Clock } from '../../lib/clock.ts';
import type { Appointment } from '../../models/appointment.model.ts';
import type { AuditService } from '../audit-service.ts';
import type { DomainEvent, EventBus } from '../events.ts';
import type { OfficeRecord, ScheduleService } from '../schedule-service.ts';
import type { CeremonyRecord } from './ceremony-records.ts';
import type { AppointmentFacts, CeremonyFacts } from './join-rules.ts';

export interface CeremonyContext {
  clock: Clock;
  events: EventBus;
  schedule: ScheduleService;
  audit: AuditService;
}

export type LeftEventReason = Extract<DomainEvent, { type: 'ceremony.left' }>['reason'];

export function ceremonyFacts(c: CeremonyRecord): CeremonyFacts {
  return {
    office: c.office.toString(),
    date: c.date,
    startsAt: c.startsAt,
    status: c.status,
    signupDeadline: c.signupDeadline,
  };
}

export function appointmentFacts(
  a: Pick<Appointment, 'office' | 'date' | 'endsAt' | 'status'>,
): AppointmentFacts {
  return { office: a.office.toString(), date: a.date, endsAt: a.endsAt, status: a.status };
}

/** Offices are read often and change rarely; one look-up per office and call is plenty. */
export function officeCache(schedule: ScheduleService) {
  const cache = new Map<string, Promise<OfficeRecord>>();
  return (id: Types.ObjectId | string): Promise<OfficeRecord> => {
    const key = id.toString();
    let found = cache.get(key);
    if (!found) {
      found = schedule.getOffice(key);
      cache.set(key, found);
      found.catch(() => cache.delete(key));
    }
    return found;
  };
}
