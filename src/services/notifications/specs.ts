import type { CeremonyLeftReason } from '../../mail/builders/ceremony-messages.ts';
import type { LotteryEvent } from '../events.ts';

// What a notification is about, as stored with it (so a retry or a resend can rebuild the
// message and check that it still applies), and the key that makes it happen at most once:
// one key per (booking or recipient, kind, occurrence).

/** A ceremony's facts as carried by its events (CeremonyInfo), with the instant as ISO text. */
export interface CeremonyFacts {
  officeId: string;
  title: { zh: string; en: string };
  date: string;
  start: string;
  hallName: { zh: string; en: string };
  startsAt: string;
}

export type CeremonyChangeSpec =
  | { type: 'seated' }
  | { type: 'waitlisted'; position: number }
  | { type: 'offer'; expiresAt: string }
  | { type: 'left'; reason: CeremonyLeftReason }
  | { type: 'cancelled'; reason: 'cancelled' | 'below_minimum' };

export type NotificationSpec =
  | { kind: 'confirmation'; appointmentId: string }
  | { kind: 'reminder'; appointmentId: string; reminder: string; startsAt: string }
  | {
      kind: 'cancelled';
      appointmentId: string;
      by: 'couple' | 'staff' | 'system';
      reason?: string;
    }
  | {
      kind: 'moved';
      appointmentId: string;
      from: { date: string; start: string };
      startsAt: string;
      by: 'couple' | 'staff';
      /** The how-many-th move of this booking: moving back and forth writes each time. */
      move: number;
    }
  | { kind: 'office_closed'; appointmentId: string; date: string; closedAt?: string }
  /** The closed day is open again (`reopenedAt`, ISO: a day closed and reopened twice is told twice). */
  | { kind: 'office_reopened'; appointmentId: string; date: string; reopenedAt: string }
  | { kind: 'no_show'; appointmentId: string }
  | {
      kind: 'ceremony';
      appointmentId: string;
      ceremonyId: string;
      ceremony: CeremonyFacts;
      change: CeremonyChangeSpec;
      /** Tells apart two changes of one kind (seated, left, seated again). */
      occurrence: string;
    }
  | {
      kind: 'ceremony_changed';
      appointmentId: string;
      ceremonyId: string;
      /** The new date, start and hall. */
      ceremony: CeremonyFacts;
      previous: { date: string; start: string; hallName?: { zh: string; en: string } };
      /** When the coordinator made the change (ISO): two changes are two notices. */
      changedAt: string;
    }
  | { kind: 'ceremony_reminder'; appointmentId: string; ceremonyId: string; ceremony: CeremonyFacts }
  | { kind: 'roster'; officeId: string; date: string; staffId: string }
  | { kind: 'peak_days'; staffId: string; month: string }
  /** A staff account was locked: the link that lifts it (the token travels only with the first send). */
  | { kind: 'staff_unlock'; staffId: string; lockedAt: string; lockedUntil: string }
  /** The peak-day lottery's notices, worded by the lottery service (services.lottery.notice). */
  | { kind: 'lottery'; event: LotteryEvent };

export type NotificationKind = NotificationSpec['kind'];

export function notificationKey(spec: NotificationSpec): string {
  switch (spec.kind) {
    case 'confirmation':
      return `confirmation:${spec.appointmentId}`;
    case 'reminder':
      return `reminder:${spec.appointmentId}:${spec.reminder}:${spec.startsAt}`;
    case 'cancelled':
      return `cancelled:${spec.appointmentId}`;
    case 'moved':
      return `moved:${spec.appointmentId}:${spec.move}`;
    case 'office_closed':
      // With the closing moment: a day closed, reopened and closed again is told twice.
      return `office_closed:${spec.appointmentId}:${spec.date}${spec.closedAt ? `:${spec.closedAt}` : ''}`;
    case 'office_reopened':
      return `office_reopened:${spec.appointmentId}:${spec.date}:${spec.reopenedAt}`;
    case 'no_show':
      return `no_show:${spec.appointmentId}`;
    case 'ceremony':
      return `ceremony:${spec.appointmentId}:${spec.ceremonyId}:${spec.change.type}:${spec.occurrence}`;
    case 'ceremony_changed':
      return `ceremony_changed:${spec.appointmentId}:${spec.ceremonyId}:${spec.ceremony.startsAt}:${spec.changedAt}`;
    case 'ceremony_reminder':
      return `ceremony_reminder:${spec.appointmentId}:${spec.ceremonyId}:${spec.ceremony.startsAt}`;
    case 'roster':
      return `roster:${spec.officeId}:${spec.date}:${spec.staffId}`;
    case 'peak_days':
      return `peak_days:${spec.staffId}:${spec.month}`;
    case 'staff_unlock':
      return `staff_unlock:${spec.staffId}:${spec.lockedAt}`;
    case 'lottery':
      // The lottery service names its notices itself (LotteryNotice.key); this is the fallback.
      return 'applicationId' in spec.event
        ? `lottery:${spec.event.applicationId}:${spec.event.type}`
        : 'lottery';
  }
}
