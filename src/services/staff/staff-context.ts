// What the staff console's services share: their dependencies, and the little state they keep
// in this process (built by createStaffServices, once per application).
import type { Clock } from '../../lib/clock.ts';
import type { AuditService } from '../audit-service.ts';
import type { EventBus } from '../events.ts';
import type { ScheduleService } from '../schedule-service.ts';

export interface StaffContext {
  clock: Clock;
  events: EventBus;
  schedule: ScheduleService;
  audit: AuditService;
  /** Mails the link that lifts a lock to the account (wired to the notification service). */
  sendUnlockLink?: (mail: UnlockMail) => Promise<void>;
  /** Failed sign-ins with e-mails that have no account, counted as an account's would be. */
  unknownEmails: UnknownEmailFailures;
  /**
   * One change at a time per office and day in this process: two staff saving the same day at
   * once would otherwise both add the same delta (see capacity-sync.ts withDayLock).
   */
  dayLocks: Map<string, Promise<unknown>>;
}

/** The link that lifts a locked account's lock, mailed once by the sign-in that locked it. */
export interface UnlockMail {
  staffId: string;
  token: string;
  lockedAt: Date;
  lockedUntil: Date;
}

/** Failed sign-ins with e-mails that have no account (see staff-auth-service.ts). */
export interface UnknownEmailFailures {
  lockedUntil(email: string, now: Date): Promise<Date | undefined>;
  fail(email: string, now: Date): Promise<void>;
}
