// Legal marriage age (Civil Code art. 1047), reckoned on the appointment date. The
// minimum ages are data so a change in the law is a settings change, not a release.
import { isLeapYear, isLocalDate } from './local-time.ts';
import type { LocalDate } from './schedule-types.ts';

export interface EligibilityRules {
  minAgeMale: number;
  minAgeFemale: number;
}

export interface PartnerFacts {
  birthDate?: LocalDate;
  sex?: 'male' | 'female';
}

export type EligibilityProblem = { partner: 0 | 1; code: 'under_age'; minAge: number };

function requireDate(date: LocalDate): [number, number, number] {
  if (!isLocalDate(date)) throw new RangeError(`not a calendar date (yyyy-MM-dd): ${JSON.stringify(date)}`);
  return date.split('-').map(Number) as [number, number, number];
}

/**
 * The date someone born on `birthDate` turns `years` old. A 29 February birthday
 * falls on 1 March in common years (the day after 28 February has fully passed).
 */
export function birthdayAt(birthDate: LocalDate, years: number): LocalDate {
  const [year, month, day] = requireDate(birthDate);
  const target = year + years;
  const [m, d] = month === 2 && day === 29 && !isLeapYear(target) ? [3, 1] : [month, day];
  return `${String(target).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Completed years of age on `date`. */
export function ageOn(birthDate: LocalDate, date: LocalDate): number {
  const [birthYear] = requireDate(birthDate);
  const [year] = requireDate(date);
  const age = year - birthYear;
  return date >= birthdayAt(birthDate, age) ? age : age - 1;
}

/** One problem per partner who is under age; partners whose birth date or sex is unknown are not checked. */
export function checkMarriageAge(
  appointmentDate: LocalDate,
  partners: [PartnerFacts, PartnerFacts],
  rules: EligibilityRules,
): EligibilityProblem[] {
  requireDate(appointmentDate);
  const problems: EligibilityProblem[] = [];
  partners.forEach((facts, index) => {
    if (!facts.birthDate || !facts.sex) return;
    const minAge = facts.sex === 'male' ? rules.minAgeMale : rules.minAgeFemale;
    // ISO dates compare correctly as strings.
    if (appointmentDate < birthdayAt(facts.birthDate, minAge)) {
      problems.push({ partner: index as 0 | 1, code: 'under_age', minAge });
    }
  });
  return problems;
}
