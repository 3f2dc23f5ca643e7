// Finding one's bookings by phone: an ID number (or a reference) and the phone it was booked
// with, proven by a code texted to it, list that person's active bookings and lottery
// applications, each with its manage link. The code is checked before anything is read, so
// a wrong code learns nothing; a right one with details that match nothing finds nothing.

import { idFingerprint } from '../../domain/masking.ts';
import { normalizePhone } from '../../domain/phone.ts';
import { normalizeReference } from '../../domain/reference-code.ts';
import { ID_TYPES } from '../../domain/resident-id.ts';
import type { Bilingual } from '../../domain/schedule-types.ts';
import type { Clock } from '../../lib/clock.ts';
import { fingerprintSecret, type SecretKeys } from '../../lib/secret-keys.ts';
import { ACTIVE_STATUSES, AppointmentModel, type Partner } from '../../models/appointment.model.ts';
import { LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import { storedStatusToken } from '../lottery/lottery-tokens.ts';
import { shortLink } from '../notifications/short-links.ts';
import type { ScheduleService } from '../schedule-service.ts';
import type { PhoneCheck } from './verified-phone.ts';

export interface PhoneLookupDeps extends SecretKeys {
  clock: Clock;
  schedule: ScheduleService;
  checkPhone: PhoneCheck;
}

export interface FoundItem {
  reference: string;
  date: string;
  start?: string | undefined;
  status: string;
  office: Bilingual;
  /** Where its manage page is (a path on this site). */
  link: string;
}

export interface PhoneLookupResult {
  appointments: FoundItem[];
  applications: FoundItem[];
}

type Holder = { _id: { toString(): string }; reference: string; partners: Partner[] };

/** The fingerprints `who` may stand for: an ID number of any type, or the partner of a reference booked with the phone. */
async function fingerprintsOf(secret: string, who: string, phone: string): Promise<string[]> {
  const ids = ID_TYPES.map((type) => idFingerprint(secret, type, who));
  const reference = normalizeReference(who);
  if (!reference) return ids;
  const [a, b] = await Promise.all([
    AppointmentModel.findOne({ reference }, { partners: 1 }).lean<Holder>(),
    LotteryApplicationModel.findOne({ reference: who.trim().toUpperCase() }, { partners: 1 }).lean<Holder>(),
  ]);
  const byReference = [a, b].flatMap((h) => h?.partners.filter((p) => p.phone === phone) ?? []);
  return [...ids, ...byReference.map((p) => p.idFingerprint)];
}

export async function findByPhone(
  deps: PhoneLookupDeps,
  req: { who: string; phone: string; code: string },
): Promise<PhoneLookupResult | null> {
  const phone = normalizePhone(req.phone);
  if (!phone) return null;
  if ((await deps.checkPhone({ phone, purpose: 'lookup', code: req.code })) !== 'ok') return null;
  const person = {
    $elemMatch: {
      phone,
      idFingerprint: { $in: await fingerprintsOf(fingerprintSecret(deps), req.who, phone) },
    },
  };
  const [appointments, applications] = await Promise.all([
    AppointmentModel.find({ status: { $in: ACTIVE_STATUSES }, partners: person })
      .sort({ startsAt: 1 })
      .limit(20)
      .lean(),
    LotteryApplicationModel.find({ status: { $in: ['applied', 'offered'] }, partners: person })
      .sort({ date: 1 })
      .limit(20)
      .lean(),
  ]);
  const officeName = async (id: { toString(): string }) =>
    (await deps.schedule.getOffice(id.toString()).catch(() => null))?.name ?? { zh: '', en: '' };
  const now = deps.clock();
  return {
    appointments: await Promise.all(
      appointments.map(async (a) => ({
        reference: a.reference,
        date: a.date,
        start: a.start,
        status: a.status,
        office: await officeName(a.office),
        link: await shortLink(deps.secret, '', 'appointment', a._id.toString(), now),
      })),
    ),
    applications: await Promise.all(
      applications.map(async (a) => ({
        reference: a.reference,
        date: a.date,
        start: a.start,
        status: a.status,
        office: await officeName(a.office),
        link: `/lottery/a/${storedStatusToken(deps, a)}`,
      })),
    ),
  };
}
