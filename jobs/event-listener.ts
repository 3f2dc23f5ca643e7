// Turns domain events into jobs and messages. It runs in every process that emits events
// (the web process, and the worker, whose jobs mark no-shows and expire ceremony offers).
// A listener that fails is logged by the event bus; bookings it missed are caught up by the
// sweep (they have no `jobsScheduledAt`).
import { randomBytes } from 'node:crypto';
import type { Container } from '../src/container.ts';
import type { CeremonyInfo, DomainEvent, LotteryEvent } from '../src/services/events.ts';
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

type Listener = { container: Container; scheduler: JobScheduler };
type Event<T extends DomainEvent['type']> = Extract<DomainEvent, { type: T }>;

export function listenToDomainEvents(container: Container, scheduler: JobScheduler): () => void {
  const l: Listener = { container, scheduler };
  return container.events.subscribe(async (event) => {
    if (event.type.startsWith('appointment.')) return appointmentEvent(l, event);
    if (event.type.startsWith('office.')) return officeEvent(l, event);
    if (event.type.startsWith('ceremony.')) return ceremonyEvent(l, event);
    const lottery = lotteryNotice(event);
    if (lottery) return scheduler.notice({ kind: 'lottery', event: lottery });
  });
}

/** The lottery events a couple is told of (the draw itself is no couple's news). */
function lotteryNotice(event: DomainEvent): LotteryEvent | null {
  switch (event.type) {
    case 'lottery.applied':
    case 'lottery.won':
    case 'lottery.not_drawn':
    case 'lottery.lapsed':
    case 'lottery.excluded':
    case 'lottery.confirmed':
      return event;
    default:
      return null;
  }
}

async function appointmentEvent({ container, scheduler }: Listener, event: DomainEvent): Promise<void> {
  const load = container.services.booking.find;
  if (event.type === 'appointment.booked') {
    // A rush's bookings are answered together: each confirmation waits its turn behind the
    // requests (background-lane.ts) rather than being built before the next couple's answer.
    await container.services.notifications.background.turn();
    const appointment = event.appointment ?? (await load(event.appointmentId));
    if (!appointment) return;
    await scheduler.scheduleAppointment(appointment, {
      mode: 'send',
      ...(event.manageToken ? { manageToken: event.manageToken } : {}),
    });
  } else if (event.type === 'appointment.cancelled') {
    await scheduler.notice({
      kind: 'cancelled',
      appointmentId: event.appointmentId,
      by: event.by,
      ...(event.reason ? { reason: event.reason } : {}),
    });
  } else if (event.type === 'appointment.moved') {
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
  } else if (event.type === 'appointment.status' && event.status === 'no_show') {
    await scheduler.notice({ kind: 'no_show', appointmentId: event.appointmentId });
  }
}

async function officeEvent({ scheduler }: Listener, event: DomainEvent): Promise<void> {
  if (event.type === 'office.closed') {
    const closedAt = event.closedAt.toISOString();
    for (const appointmentId of event.appointmentIds)
      await scheduler.notice({ kind: 'office_closed', appointmentId, date: event.date, closedAt });
  } else if (event.type === 'office.reopened') {
    const reopenedAt = new Date(event.reopenedAt).toISOString();
    for (const appointmentId of event.appointmentIds)
      await scheduler.notice({ kind: 'office_reopened', appointmentId, date: event.date, reopenedAt });
  }
}

async function ceremonyEvent(l: Listener, event: DomainEvent): Promise<void> {
  const { scheduler } = l;
  if (event.type === 'ceremony.changed') return ceremonyChanged(l, event);
  if (event.type === 'ceremony.cancelled') {
    await scheduler.cancelCeremonyReminders(event.appointmentIds, event.ceremonyId);
    const ceremony = ceremonyFacts(event.ceremony);
    const change = { type: 'cancelled' as const, reason: event.reason };
    for (const appointmentId of event.appointmentIds) {
      const base = { appointmentId, ceremonyId: event.ceremonyId, ceremony, change };
      await scheduler.notice({ kind: 'ceremony', ...base, occurrence: 'cancelled' });
    }
    return;
  }
  if (event.type === 'ceremony.left') {
    await scheduler.cancelCeremonyReminders([event.appointmentId], event.ceremonyId);
    // A cancelled booking's couple has the cancellation notice already.
    if (event.reason === 'appointment_cancelled') return;
  }
  const change = seatChange(event);
  if (!change || !('appointmentId' in event) || !('ceremony' in event)) return;
  const ceremony = ceremonyFacts(event.ceremony);
  const notice = {
    kind: 'ceremony' as const,
    appointmentId: event.appointmentId,
    ceremonyId: event.ceremonyId,
  };
  await scheduler.notice({ ...notice, ceremony, change: change.change, occurrence: change.occurrence });
  if (event.type === 'ceremony.seated')
    await scheduler.ceremonyReminder(event.appointmentId, event.ceremonyId, ceremony);
}

/** What a couple's own seat change says, and the key that sends it once. */
function seatChange(event: DomainEvent) {
  switch (event.type) {
    case 'ceremony.seated':
      return { change: { type: 'seated' as const }, occurrence: occurrence() };
    case 'ceremony.waitlisted':
      return { change: { type: 'waitlisted' as const, position: event.position }, occurrence: occurrence() };
    case 'ceremony.offer': {
      const expiresAt = new Date(event.expiresAt).toISOString();
      return { change: { type: 'offer' as const, expiresAt }, occurrence: expiresAt };
    }
    case 'ceremony.left':
      return { change: { type: 'left' as const, reason: event.reason }, occurrence: occurrence() };
    default:
      return null;
  }
}

/**
 * The old reminder goes; the seated couples get one with the new values (a couple only
 * offered a seat has none until it accepts, and the seat event then brings it). The seats are
 * read after the cancel, so a couple seated in between is not left without.
 */
async function ceremonyChanged({ container, scheduler }: Listener, event: Event<'ceremony.changed'>) {
  const ceremony = ceremonyFacts(event.ceremony);
  await scheduler.cancelCeremonyReminders(event.appointmentIds, event.ceremonyId);
  const seated = await container.services.ceremonies.seatedAmong(event.ceremonyId, event.appointmentIds);
  for (const appointmentId of seated)
    await scheduler.ceremonyReminder(appointmentId, event.ceremonyId, ceremony);
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
}
