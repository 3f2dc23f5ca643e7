// The shapes shared by the scheduling rules. Dates and times are office-local labels;
// instants (`Date`) are real UTC moments computed from them in the office's zone.

/** A calendar date in the office's zone, 'yyyy-MM-dd'. */
export type LocalDate = string;
/** A wall-clock time in the office's zone, 'HH:mm' (00:00-23:59). */
export type LocalTime = string;

export interface Bilingual {
  zh: string;
  en: string;
}

/** One opening period of a day, e.g. 09:00-12:00; slots tile it. */
export interface SessionSpec {
  start: LocalTime;
  end: LocalTime;
}

export interface WeekdayTemplate {
  /** ISO weekday: 1 = Monday .. 7 = Sunday. */
  weekday: number;
  sessions: SessionSpec[];
  slotMinutes: number;
  windowsOpen: number;
  couplesPerWindow: number;
}

export type DayPlanKind = 'closed' | 'special' | 'peak';

/** Staff's override of the weekly template for one date. */
export interface DayPlan {
  date: LocalDate;
  kind: DayPlanKind;
  label?: Bilingual;
  /** Replaces the template's hours when set (earlier opening / later closing). */
  sessions?: SessionSpec[];
  slotMinutes?: number;
  windowsOpen?: number;
  extraWindows?: number;
  couplesPerWindow?: number;
  /** Added to each slot's computed capacity. */
  extraQuotaPerSlot?: number;
  /** Direct override of each slot's capacity (wins over windows and extra quota). */
  quotaPerSlot?: number;
  message?: Bilingual;
  /** The moment booking opens for this day (replaces the days-ahead rule). */
  bookingOpensAt?: Date;
  /** Booking this day asks for a code sent to the contact phone (unset: the office's default). */
  requireVerifiedPhone?: boolean;
}

export interface PlannedSlot {
  date: LocalDate;
  start: LocalTime;
  end: LocalTime;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
}

export interface DaySchedule {
  date: LocalDate;
  kind: 'regular' | 'closed' | 'special' | 'peak';
  open: boolean;
  slots: PlannedSlot[];
  plan?: DayPlan;
}
