import type { Types } from 'mongoose';
import type { Appointment } from '../models/appointment.model.ts';

// What happened, told to whoever listens (the job scheduler, mainly). Emitting never fails
// the use case: a listener's error is logged, and the catch-up sweep repairs what it missed.
export type DomainEvent =
  | {
      type: 'appointment.booked';
      appointmentId: string;
      /**
       * The private manage token, for the confirmation message sent right after booking
       * (only its hash is stored, so it cannot be rebuilt later). Listeners must never store it.
       */
      manageToken?: string;
      /**
       * The appointment as it was stored, in the process that booked it: its listeners use it
       * instead of reading it back (a rush's confirmations would otherwise read every booking again).
       */
      appointment?: Appointment & { _id: Types.ObjectId };
    }
  | {
      type: 'appointment.cancelled';
      appointmentId: string;
      by: 'couple' | 'staff' | 'system';
      reason?: string;
    }
  | { type: 'appointment.moved'; appointmentId: string; from: { date: string; start: string } }
  | { type: 'appointment.status'; appointmentId: string; status: string }
  | { type: 'office.closed'; officeId: string; date: string; appointmentIds: string[]; closedAt: Date }
  /** A closed day opened again: the bookings whose closure mark was lifted, told that they stand. */
  | { type: 'office.reopened'; officeId: string; date: string; appointmentIds: string[]; reopenedAt: Date }
  | { type: 'capacity.changed'; officeId: string; date: string }
  | { type: 'ceremony.seated'; ceremonyId: string; appointmentId: string; ceremony: CeremonyInfo }
  | {
      type: 'ceremony.waitlisted';
      ceremonyId: string;
      appointmentId: string;
      position: number;
      ceremony: CeremonyInfo;
    }
  | {
      type: 'ceremony.left';
      ceremonyId: string;
      appointmentId: string;
      reason: 'left' | 'appointment_cancelled' | 'appointment_moved' | 'declined' | 'offer_expired';
      ceremony: CeremonyInfo;
    }
  | {
      type: 'ceremony.offer';
      ceremonyId: string;
      appointmentId: string;
      expiresAt: Date;
      ceremony: CeremonyInfo;
    }
  | {
      type: 'ceremony.cancelled';
      ceremonyId: string;
      appointmentIds: string[];
      reason: 'cancelled' | 'below_minimum';
      ceremony: CeremonyInfo;
    }
  | {
      /**
       * A coordinator changed the date, start or hall (other edits emit nothing). Every couple
       * seated or offered a seat is told; `ceremony` holds the new values, `previous` the old
       * date and start, and the old hall only when the hall changed. `changedAt` (the edit's
       * instant) tells two changes apart, so a second change is told again.
       */
      type: 'ceremony.changed';
      ceremonyId: string;
      appointmentIds: string[];
      ceremony: CeremonyInfo;
      previous: { date: string; start: string; hallName?: { zh: string; en: string } };
      changedAt: Date;
    }
  | LotteryEvent;

/**
 * The peak-day lottery. Every couple is told where it stands: applied (with the
 * private status link: services.lottery.statusPath(applicationId)), won a place that must
 * be confirmed by `confirmBy` (`passedOn`: the place came back from someone else after the
 * draw), not drawn (may choose another day; still in line in draw order), its offer lapsed
 * or was declined (the place passed on), or could not be given the place (`excluded`).
 */
export type LotteryEvent =
  | { type: 'lottery.applied'; applicationId: string; officeId: string; date: string }
  | {
      type: 'lottery.won';
      applicationId: string;
      appointmentId: string;
      officeId: string;
      date: string;
      start: string;
      confirmBy: Date;
      passedOn: boolean;
    }
  | { type: 'lottery.not_drawn'; applicationId: string; officeId: string; date: string; rank: number }
  | {
      type: 'lottery.lapsed';
      applicationId: string;
      appointmentId?: string;
      officeId: string;
      date: string;
      start: string;
      reason: 'unconfirmed' | 'declined';
    }
  | { type: 'lottery.excluded'; applicationId: string; officeId: string; date: string; reason: string }
  | { type: 'lottery.confirmed'; applicationId: string; appointmentId: string }
  | { type: 'lottery.drawn'; officeId: string; date: string; applications: number; winners: number };

/** What a message about a ceremony needs, carried in the event so that senders need no ceremony model. */
export interface CeremonyInfo {
  officeId: string;
  title: { zh: string; en: string };
  date: string;
  start: string;
  hall: string;
  /** The hall in both languages (`hall` is its Chinese name). */
  hallName: { zh: string; en: string };
  startsAt: Date;
}

export type EventListener = (event: DomainEvent) => void | Promise<void>;

export interface EventBus {
  emit(event: DomainEvent): void;
  subscribe(listener: EventListener): () => void;
}

export function createEventBus(onError: (err: unknown, event: DomainEvent) => void): EventBus {
  const listeners = new Set<EventListener>();
  return {
    emit(event) {
      for (const listener of listeners) {
        Promise.resolve()
          .then(() => listener(event))
          .catch((err: unknown) => onError(err, event));
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
