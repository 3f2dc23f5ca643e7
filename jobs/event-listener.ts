// Turns domain events into jobs and messages. It runs in every process that emits events
// (the web process, and the worker, whose jobs mark no-shows and expire ceremony offers).
// A listener that fails is logged by the event bus; bookings it missed are caught up by the
// sweep (they have no `jobsScheduledAt`).
import { randomBytes } from 'node:crypto';
import type { Container } from '../src/container.ts';
import type { CeremonyInfo, DomainEvent } from '../src/services/events.ts';
import type { CeremonyFacts } from '../src/services/notifications/specs.ts';
import type { JobScheduler } from './scheduler.ts';

const COUPLE_ACTORS = new Set(['couple', 'online', 'api']);

export function ceremonyFacts(c: CeremonyInfo): CeremonyFacts {
  return {
    officeId: c.officeId,
    title: { zh: c.title.zh, en: c.title.en || c.title.zh },
    date: c.date,
    start: c.start,
    hallName: c.hallName ?? { zh: c.hall, en: c.hall },
    startsAt: new Date(c.startsAt).toISOString(),
  };
}

/** A fresh id for changes that may happen more than once (seated, left, seated again). */
const occurrence = () => randomBytes(12).toString('hex');

export function listenToDomainEvents(container: Container, scheduler: JobScheduler): () => void {
  const load = container.services.booking.find;
  async function handle(event: DomainEvent): Promise<void> {
    switch (event.type) {
      case 'appointment.booked': {
        const appointment = await load(event.appointmentId);
        if (!appointment) return;
        await scheduler.scheduleAppointment(appointment, {
          mode: 'send',
          ...(event.manageToken ? { manageToken: event.manageToken } : {}),
        });
        return;
      }
      case 'appointment.cancelled':
        await scheduler.notice({
          kind: 'cancelled',
          appointmentId: event.appointmentId,
          by: event.by,
          ...(event.reason ? { reason: event.reason } : {}),
        });
        return;
      case 'appointment.moved': {
        const appointment = await load(event.appointmentId);
        if (!appointment) return;
        await scheduler.scheduleAppointment(appointment, { mode: 'none' });
        const moves = appointment.history.filter((h) => h.type === 'moved');
        const by = moves.at(-1)?.by;
        await scheduler.notice({
          kind: 'moved',
          appointmentId: event.appointmentId,
          from: event.from,
          startsAt: appointment.startsAt.toISOString(),
          by: !by || COUPLE_ACTORS.has(by) ? 'couple' : 'staff',
          move: moves.length,
        });
        return;
      }
      case 'appointment.status':
        if (event.status === 'no_show')
          await scheduler.notice({ kind: 'no_show', appointmentId: event.appointmentId });
        return;
      case 'office.closed':
        for (const appointmentId of event.appointmentIds) {
          await scheduler.notice({
            kind: 'office_closed',
            appointmentId,
            date: event.date,
            closedAt: event.closedAt.toISOString(),
          });
        }
        return;
      case 'office.reopened': {
        const reopenedAt = new Date(event.reopenedAt).toISOString();
        for (const appointmentId of event.appointmentIds) {
          await scheduler.notice({ kind: 'office_reopened', appointmentId, date: event.date, reopenedAt });
        }
        return;
      }
      case 'ceremony.seated': {
        const ceremony = ceremonyFacts(event.ceremony);
        await scheduler.notice({
          kind: 'ceremony',
          appointmentId: event.appointmentId,
          ceremonyId: event.ceremonyId,
          ceremony,
          change: { type: 'seated' },
          occurrence: occurrence(),
        });
        await scheduler.ceremonyReminder(event.appointmentId, event.ceremonyId, ceremony);
        return;
      }
      case 'ceremony.waitlisted':
        await scheduler.notice({
          kind: 'ceremony',
          appointmentId: event.appointmentId,
          ceremonyId: event.ceremonyId,
          ceremony: ceremonyFacts(event.ceremony),
          change: { type: 'waitlisted', position: event.position },
          occurrence: occurrence(),
        });
        return;
      case 'ceremony.offer': {
        const expiresAt = new Date(event.expiresAt).toISOString();
        await scheduler.notice({
          kind: 'ceremony',
          appointmentId: event.appointmentId,
          ceremonyId: event.ceremonyId,
          ceremony: ceremonyFacts(event.ceremony),
          change: { type: 'offer', expiresAt },
          occurrence: expiresAt,
        });
        return;
      }
      case 'ceremony.left':
        await scheduler.cancelCeremonyReminders([event.appointmentId], event.ceremonyId);
        // A cancelled booking's couple has the cancellation notice already.
        if (event.reason === 'appointment_cancelled') return;
        await scheduler.notice({
          kind: 'ceremony',
          appointmentId: event.appointmentId,
          ceremonyId: event.ceremonyId,
          ceremony: ceremonyFacts(event.ceremony),
          change: { type: 'left', reason: event.reason },
          occurrence: occurrence(),
        });
        return;
      case 'ceremony.cancelled': {
        await scheduler.cancelCeremonyReminders(event.appointmentIds, event.ceremonyId);
        const ceremony = ceremonyFacts(event.ceremony);
        for (const appointmentId of event.appointmentIds) {
          await scheduler.notice({
            kind: 'ceremony',
            appointmentId,
            ceremonyId: event.ceremonyId,
            ceremony,
            change: { type: 'cancelled', reason: event.reason },
            occurrence: 'cancelled',
          });
        }
        return;
      }
      case 'ceremony.changed': {
        const ceremony = ceremonyFacts(event.ceremony);
        // The old reminder goes; the seated couples get one with the new values (a couple only
        // offered a seat has none until it accepts, and the seat event then brings it). The
        // seats are read after the cancel, so a couple seated in between is not left without.
        await scheduler.cancelCeremonyReminders(event.appointmentIds, event.ceremonyId);
        const seated = await container.services.ceremonies.seatedAmong(
          event.ceremonyId,
          event.appointmentIds,
        );
        for (const appointmentId of seated) {
          await scheduler.ceremonyReminder(appointmentId, event.ceremonyId, ceremony);
        }
        const changedAt = new Date(event.changedAt).toISOString();
        for (const appointmentId of event.appointmentIds) {
          await scheduler.notice({
            kind: 'ceremony_changed',
            appointmentId,
            ceremonyId: event.ceremonyId,
            ceremony,
            previous: event.previous,
            changedAt,
          });
        }
        return;
      }
      case 'lottery.applied':
      case 'lottery.won':
      case 'lottery.not_drawn':
      case 'lottery.lapsed':
      case 'lottery.excluded':
      case 'lottery.confirmed':
        await scheduler.notice({ kind: 'lottery', event });
        return;
      default:
        return;
    }
  }
  return container.events.subscribe(handle);
}
