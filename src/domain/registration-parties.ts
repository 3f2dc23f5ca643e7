// Who may register a marriage together, as data: the Civil Code (art. 1049) provides for the
// registration of one man and one woman. The sex of each partner is the one recorded for the
// booking: read from the resident ID number (its 17th digit), or entered for a passport or a
// permit, where the birth date is required too because the age rule (art. 1047) needs it.
import type { IdType } from './resident-id.ts';

export type Sex = 'male' | 'female';

export interface RegistrationPartiesRule {
  /** The sexes of the two partners, in any order: one man and one woman. */
  sexes: readonly [Sex, Sex];
  /** The article of the Civil Code the rule comes from, cited in the refusal. */
  civilCodeArticle: number;
  /** Documents that do not encode a birth date and sex: both are entered, and required. */
  enteredFactsFor: readonly IdType[];
}

export const REGISTRATION_PARTIES: RegistrationPartiesRule = Object.freeze({
  sexes: Object.freeze(['male', 'female'] as const),
  civilCodeArticle: 1049,
  enteredFactsFor: Object.freeze(['passport', 'hk_macao_permit', 'taiwan_permit'] as const),
});

/** Whether a document's holder must enter a birth date and sex (the document does not carry them). */
export function needsEnteredFacts(idType: IdType, rule = REGISTRATION_PARTIES): boolean {
  return rule.enteredFactsFor.includes(idType);
}

/**
 * Whether two recorded sexes make a couple the rule provides for. Unknown sexes are not
 * judged here: a partner without a recorded sex is refused earlier (the field is required).
 */
export function partiesAllowed(
  sexes: [Sex | undefined, Sex | undefined],
  rule = REGISTRATION_PARTIES,
): boolean {
  const [a, b] = sexes;
  if (!a || !b) return true;
  const wanted = [...rule.sexes].sort();
  return [a, b].sort().every((s, i) => s === wanted[i]);
}
