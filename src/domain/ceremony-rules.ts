// A couple may join a group ceremony only at the office and on the date of its
// registration, and only if the registration (its slot plus a buffer) is done in time.
export type CeremonyEligibility =
  | { ok: true }
  | { ok: false; reason: 'other_office' | 'other_date' | 'too_late' };

export function ceremonyEligible(input: {
  slotEndsAt: Date;
  ceremonyStartsAt: Date;
  bufferMinutes: number;
  sameOffice: boolean;
  sameDate: boolean;
}): CeremonyEligibility {
  if (!input.sameOffice) return { ok: false, reason: 'other_office' };
  if (!input.sameDate) return { ok: false, reason: 'other_date' };
  // Finishing exactly `bufferMinutes` before the start is in time.
  const readyAt = input.slotEndsAt.getTime() + input.bufferMinutes * 60_000;
  return readyAt <= input.ceremonyStartsAt.getTime() ? { ok: true } : { ok: false, reason: 'too_late' };
}
