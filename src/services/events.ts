// What happened, told to whoever listens (the job scheduler, mainly). Emitting never fails
// the use case: a listener's error is logged, and the catch-up sweep repairs what it missed.
export type DomainEvent =
  | { type: 'appointment.booked'; appointmentId: string }
  | {
      type: 'appointment.cancelled';
      appointmentId: string;
      by: 'couple' | 'staff' | 'system';
      reason?: string;
    }
  | { type: 'appointment.moved'; appointmentId: string; from: { date: string; start: string } }
  | { type: 'appointment.status'; appointmentId: string; status: string }
  | { type: 'office.closed'; officeId: string; date: string; appointmentIds: string[] }
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
    };

/** What a message about a ceremony needs, carried in the event so that senders need no ceremony model. */
export interface CeremonyInfo {
  officeId: string;
  title: { zh: string; en: string };
  date: string;
  start: string;
  hall: string;
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
