// The lottery applications a couple holds while it books or applies elsewhere: a winner who
// holds another booking at the draw is passed over, so the couple is told, and offered to
// withdraw the application there and then. Also the look-up of an application by its
// reference and phone digits, as bookings are looked up.
import { normalizeReference } from '../../domain/reference-code.ts';
import { batchedFindByKeys } from '../../lib/batched-db.ts';
import { AppointmentModel } from '../../models/appointment.model.ts';
import { type ApplicationStatus, LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import { PersonHoldModel } from '../../models/person-hold.model.ts';
import { notFound } from '../errors.ts';
import { withdraw } from './lottery-applications.ts';
import type { ApplicationRecord } from './lottery-context.ts';
import type { DrawDeps } from './lottery-offers.ts';
import { storedStatusToken } from './lottery-tokens.ts';

/** Applications still waiting for their draw (withdrawable while applications are open). */
const WAITING: ApplicationStatus[] = ['applied'];

export interface HeldApplication {
  reference: string;
  date: string;
  officeId: string;
}

/** The waiting applications of any of these people (by ID fingerprint), but `except`. */
export type HeldApplications = (fingerprints: string[], except?: string) => Promise<HeldApplication[]>;

/**
 * HeldApplications; the pages of a rush's bookings, opened together, share one query for all
 * their couples.
 */
export function heldApplicationsReader(): HeldApplications {
  const waitingOf = batchedFindByKeys<ApplicationRecord>(
    (fingerprints) =>
      LotteryApplicationModel.find({
        'partners.idFingerprint': { $in: fingerprints },
        status: { $in: WAITING },
      })
        .sort({ date: 1 })
        .lean<ApplicationRecord[]>()
        .exec(),
    (a) => a.partners.map((p) => p.idFingerprint),
  );
  return async (fingerprints, except) => {
    if (!fingerprints.length) return [];
    const found = await waitingOf(fingerprints);
    return found
      .filter((a) => a._id.toString() !== except)
      .map((a) => ({ reference: a.reference, date: a.date, officeId: a.office.toString() }));
  };
}

/** Withdraws the waiting application of these people that has this reference. */
export async function withdrawHeld(
  deps: DrawDeps,
  fingerprints: string[],
  reference: string,
): Promise<ApplicationRecord> {
  const found = await LotteryApplicationModel.findOne({
    reference: normalizeReference(reference) ?? '',
    'partners.idFingerprint': { $in: fingerprints },
  }).lean<ApplicationRecord>();
  if (!found) throw notFound('lottery.not_found');
  return withdraw(deps, storedStatusToken(deps, found));
}

/** The status page of an application found by its reference and either partner's last four phone digits, or null. */
export async function statusPathByReference(
  deps: DrawDeps,
  reference: string,
  phoneLast4: string,
): Promise<string | null> {
  const ref = normalizeReference(reference);
  if (!ref || !/^\d{4}$/.test(phoneLast4)) return null;
  const found = await LotteryApplicationModel.findOne({
    reference: ref,
    'partners.phoneLast4': phoneLast4,
  }).lean<ApplicationRecord>();
  return found ? `/lottery/a/${storedStatusToken(deps, found)}` : null;
}

/** The date of an active booking any of these people holds (such a winner is passed over), or null. */
export async function heldBookingDate(fingerprints: string[]): Promise<string | null> {
  const holds = await PersonHoldModel.find({ _id: { $in: fingerprints } }).lean();
  for (const hold of holds) {
    const a = await AppointmentModel.findOne({ _id: hold.appointment, status: 'booked' }).lean();
    if (a) return a.date;
  }
  return null;
}
