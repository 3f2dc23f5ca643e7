// Turns what a couple typed about the two partners into stored partner facts, or field
// errors keyed by the form's field names (partners.0.idNumber...). Shared by the web form,
// the JSON API, staff walk-ins and lottery applications.
import { checkMarriageAge, type EligibilityRules } from '../../domain/eligibility.ts';
import { idFingerprint, maskIdNumber } from '../../domain/masking.ts';
import { normalizePhone } from '../../domain/phone.ts';
import {
  needsEnteredFacts,
  partiesAllowed,
  REGISTRATION_PARTIES,
} from '../../domain/registration-parties.ts';
import {
  type IdType,
  normalizeIdNumber,
  parseResidentId,
  validateIdFormat,
} from '../../domain/resident-id.ts';
import type { Partner } from '../../models/appointment.model.ts';
import type { FieldMessage } from '../errors.ts';

export interface PartnerInput {
  name: string;
  idType: IdType;
  idNumber: string;
  phone: string;
  birthDate?: string;
  sex?: 'male' | 'female';
}

export type CheckedPartners =
  | { ok: true; partners: [Partner, Partner] }
  | { ok: false; fields: Record<string, FieldMessage> };

export function checkPartners(
  inputs: PartnerInput[],
  appointmentDate: string,
  rules: EligibilityRules,
  fingerprintSecret: string,
): CheckedPartners {
  const fields: Record<string, FieldMessage> = {};
  const partners: Partner[] = [];
  if (inputs.length !== 2) return { ok: false, fields: { partners: { key: 'booking.two_partners' } } };
  inputs.forEach((input, i) => {
    const at = (f: string) => `partners.${i}.${f}`;
    const name = input.name.trim().replace(/\s+/g, ' ');
    if (!name) fields[at('name')] = { key: 'field.required' };
    const idNumber = normalizeIdNumber(input.idType, input.idNumber);
    let birthDate = input.birthDate;
    let sex = input.sex;
    if (input.idType === 'resident_id') {
      const parsed = parseResidentId(idNumber);
      if (parsed.ok) {
        birthDate = parsed.birthDate;
        sex = parsed.sex;
      } else {
        fields[at('idNumber')] = { key: `booking.id_${parsed.reason}` };
      }
    } else if (!validateIdFormat(input.idType, idNumber)) {
      fields[at('idNumber')] = { key: 'booking.id_format' };
    }
    // A passport or a permit does not say: the age and sex rules need both entered.
    if (needsEnteredFacts(input.idType)) {
      if (!birthDate) fields[at('birthDate')] = { key: 'booking.birth_date_required' };
      if (!sex) fields[at('sex')] = { key: 'booking.sex_required' };
    }
    const phone = normalizePhone(input.phone);
    if (!phone) fields[at('phone')] = { key: 'booking.phone_invalid' };
    partners.push({
      name,
      idType: input.idType,
      idMasked: maskIdNumber(idNumber),
      idFingerprint: idFingerprint(fingerprintSecret, input.idType, idNumber),
      ...(birthDate ? { birthDate } : {}),
      ...(sex ? { sex } : {}),
      phone: phone ?? '',
      phoneLast4: (phone ?? '').slice(-4),
    });
  });
  const [a, b] = partners as [Partner, Partner];
  if (
    !fields['partners.0.idNumber'] &&
    !fields['partners.1.idNumber'] &&
    a.idFingerprint === b.idFingerprint
  ) {
    fields['partners.1.idNumber'] = { key: 'booking.same_person' };
  }
  if (!partiesAllowed([a.sex, b.sex])) {
    const field = b.idType === 'resident_id' ? 'partners.1.idNumber' : 'partners.1.sex';
    fields[field] ??= {
      key: 'booking.one_man_one_woman',
      params: { article: REGISTRATION_PARTIES.civilCodeArticle },
    };
  }
  for (const problem of checkMarriageAge(appointmentDate, [a, b], rules)) {
    const key = `partners.${problem.partner}.idNumber`;
    fields[key] ??= { key: 'booking.under_age', params: { minAge: problem.minAge, date: appointmentDate } };
  }
  if (Object.keys(fields).length > 0) return { ok: false, fields };
  return { ok: true, partners: [a, b] };
}
