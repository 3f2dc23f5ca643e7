// Collations: MongoDB names locales as ICU does (en_US, zh_Hans, de@collation=phonebook);
// Intl.Collator wants BCP 47 tags (en-US, zh-Hans, de-u-co-phonebk). Strings compare through a
// collator (caseLevel as Intl's 'case' sensitivity; Intl always normalizes), and index keys of
// a case-insensitive collation are folded (see the docs' known differences: a fold, not an ICU
// sort key).
import { badValue, ErrorCodes, MongoCommandError } from './errors.ts';
import type { CollationKey } from './keys.ts';
import type { StringCompare } from './order.ts';

export interface CollationSpec {
  locale: string;
  strength?: number;
  caseLevel?: boolean;
  caseFirst?: string;
  numericOrdering?: boolean;
  alternate?: string;
  maxVariable?: string;
  normalization?: boolean;
  backwards?: boolean;
  version?: string;
}

export interface Collation {
  spec: CollationSpec;
  compare: StringCompare;
  key: CollationKey;
}

const FIELDS = new Set([
  'locale',
  'strength',
  'caseLevel',
  'caseFirst',
  'numericOrdering',
  'alternate',
  'maxVariable',
  'normalization',
  'backwards',
  'version',
]);

/** ICU collation keywords whose BCP 47 names differ. */
const KEYWORDS: Record<string, string> = { phonebook: 'phonebk', dictionary: 'dict', traditional: 'trad' };

/** An ICU locale name as a BCP 47 tag. */
export function icuToBcp47(locale: string): string {
  const [base = '', keywords] = locale.split('@');
  let tag = base.replace(/_/g, '-');
  const co = /(?:^|;)collation=([a-z]+)/i.exec(keywords ?? '')?.[1];
  if (co) tag += `-u-co-${KEYWORDS[co] ?? co}`;
  return tag;
}

const cache = new Map<string, Collation>();

/**
 * Options Intl.Collator cannot follow: French accent order (`backwards`), and `maxVariable:
 * 'space'` with `alternate: 'shifted'` (Intl ignores punctuation along with spaces). Refused,
 * as MongoDB refuses a feature it lacks, rather than answered in another order.
 */
function refuseUnsupported(spec: CollationSpec): void {
  const refuse = (what: string) =>
    new MongoCommandError(
      ErrorCodes.NotImplemented,
      `collation ${what} is not supported by the embedded engine`,
    );
  if (spec.backwards === true) throw refuse("'backwards: true'");
  if (spec.alternate === 'shifted' && spec.maxVariable === 'space')
    throw refuse("'maxVariable: space' with 'alternate: shifted'");
}

/** A collation document as MongoDB takes it; `undefined` for the simple (binary) collation. */
export function parseCollation(raw: unknown): Collation | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badValue('collation must be an object');
  const spec = raw as CollationSpec;
  for (const k of Object.keys(spec)) if (!FIELDS.has(k)) throw badValue(`unknown collation field: ${k}`);
  if (typeof spec.locale !== 'string') throw badValue("Missing expected field 'locale'");
  if (spec.locale === 'simple') return undefined;
  const cacheKey = JSON.stringify(spec);
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const invalid = () => badValue(`Field 'locale' is invalid in: ${cacheKey}`);
  const tag = icuToBcp47(spec.locale);
  let supported: string[];
  try {
    supported = Intl.Collator.supportedLocalesOf(tag);
  } catch {
    throw invalid();
  }
  if (supported.length === 0 || !/^[a-z]{2,3}(?:[-_]|$)/i.test(spec.locale)) throw invalid();
  const strength = Number(spec.strength ?? 3);
  if (!Number.isInteger(strength) || strength < 1 || strength > 5) {
    throw badValue(`Field 'strength' must be an integer 1 through 5. Got: ${String(spec.strength)}`);
  }
  refuseUnsupported(spec);
  // caseLevel adds case as a level of its own below strength 3: base letters and case at 1.
  const caseLevel = spec.caseLevel === true && strength < 3;
  const collator = new Intl.Collator(tag, {
    sensitivity:
      strength === 1 ? (caseLevel ? 'case' : 'base') : strength === 2 && !caseLevel ? 'accent' : 'variant',
    numeric: spec.numericOrdering === true,
    caseFirst: spec.caseFirst === 'upper' || spec.caseFirst === 'lower' ? spec.caseFirst : 'false',
    ignorePunctuation: spec.alternate === 'shifted',
  });
  const lower = supported[0]!;
  const unaccented = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '');
  const key: CollationKey =
    strength === 1
      ? caseLevel
        ? unaccented
        : (s) => unaccented(s).toLocaleLowerCase(lower)
      : strength === 2 && !caseLevel
        ? (s) => s.toLocaleLowerCase(lower)
        : (s) => s;
  const c: Collation = { spec: { ...spec }, compare: collator.compare, key };
  cache.set(cacheKey, c);
  return c;
}
