// The booking form shown again for a full slot (409), kept for a moment. On a peak morning most
// posted forms are refused "full", and each refusal rendered the whole form in its layout,
// the same page for every couple refused for that slot at that moment but for what each typed.
// It is rendered once per slot, language, choices made (ID types, sex, language, contact
// partner: what the form's selects and radios show) and slots still open, with holes for the
// text each couple typed, their CSRF token and idempotency key (page-holes.ts), and kept for at
// most a second (never longer than SCHEDULE_CACHE_MS, not at all at 0), as the shared pages are
// (page-cache.ts), while the slots it offers instead are the ones the schedule offers (they are
// kept for a moment themselves) and its office is the one the schedule cache holds. A page with
// a flash, field messages or anything typed that is not plain text is rendered for its visitor
// alone.
import type { Response } from 'express';
import type { Clock } from '../lib/clock.ts';
import { keptHoledPages } from './kept-holed-pages.ts';
import { hole } from './page-holes.ts';

/** What each partner typed that the form shows as text (the holes of the kept page). */
const PARTNER_TEXTS = ['name', 'idNumber', 'phone', 'birthDate'] as const;
/** Past this length a choice is not one the form offers: the page is rendered alone. */
const CHOICE_MAX = 20;
/** A refusal that offers no other slot: one object, so its kept page is found again. */
const NO_ALTERNATIVES: readonly unknown[] = [];

/** The locals of the refused booking form (couple-form.ts's refusedBookingForm, with its slot's). */
export interface RefusedFormLocals extends Record<string, unknown> {
  values: Record<string, unknown>;
  idempotencyKey: string;
  fields?: Record<string, string>;
  formError?: string;
  refusedCode?: string;
  alternatives?: unknown[];
}

interface Typed {
  /** What fills the holes, by hole name. */
  texts: Record<string, string | undefined>;
  /** The choices the page was rendered with, as part of its key. */
  choices: string;
  /** The values the page is rendered with: the choices as made, holes for the texts. */
  shown: Record<string, unknown>;
}

const isText = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';
const isChoice = (v: unknown): v is string | undefined => isText(v) && (v?.length ?? 0) <= CHOICE_MAX;

/** A partner's typed values, split into texts and choices; undefined when not plain text. */
function partnerOf(p: unknown, i: number, typed: Typed): unknown {
  if (p === undefined) {
    typed.choices += '|-';
    return undefined;
  }
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return null;
  const { idType, sex, ...rest } = p as Record<string, unknown>;
  if (!isChoice(idType) || !isChoice(sex)) return null;
  const shown: Record<string, unknown> = { idType, sex };
  for (const name of PARTNER_TEXTS) {
    const value = rest[name];
    if (!isText(value)) return null;
    typed.texts[`p${i}.${name}`] = value;
    // The birth date opens the non-resident details when given: shown, it is a hole.
    shown[name] = name === 'birthDate' && !value ? '' : hole(`p${i}.${name}`);
  }
  typed.choices += `|${idType ?? ''},${sex ?? ''},${rest.birthDate ? 1 : 0}`;
  return shown;
}

/** What was typed, as the kept page takes it; undefined when the page is to be rendered alone. */
function typedOf(values: Record<string, unknown>): Typed | undefined {
  const { partners = [], email, verificationCode, language, contactPartner } = values;
  if (!Array.isArray(partners) || !isText(email) || !isText(verificationCode) || !isChoice(language))
    return undefined;
  // The contact-phone partial asks only whether the second partner was chosen.
  const second = String(contactPartner) === '1';
  const typed: Typed = {
    texts: { email, verificationCode },
    choices: `${language ?? ''},${second ? 1 : 0}`,
    shown: {},
  };
  const shownPartners = [0, 1].map((i) => partnerOf(partners[i], i, typed));
  if (shownPartners.includes(null)) return undefined;
  typed.shown = {
    language,
    ...(second ? { contactPartner: '1' } : {}),
    email: hole('email'),
    verificationCode: hole('verificationCode'),
    partners: shownPartners,
  };
  return typed;
}

export function fullFormPages(opts: { scheduleCacheMs: number; clock: Clock }) {
  const pages = keptHoledPages(opts);
  /**
   * Shows `view` with `locals` as the kept page of its kind, when it is one every couple refused
   * "full" for the slot sees alike: true then (answered, or being answered). `inputs` are the
   * cached objects it is rendered from (the office): a page is used only while they are current.
   */
  return function showKept(
    res: Response,
    view: string,
    locals: RefusedFormLocals,
    inputs: readonly object[],
    status: number,
  ): boolean {
    const token = res.locals.csrfToken as (() => string) | undefined;
    if (!pages.enabled || locals.refusedCode !== 'slot_full' || !token) return false;
    if (res.locals.flash !== undefined || Object.keys(locals.fields ?? {}).length) return false;
    const typed = typedOf(locals.values);
    if (!typed) return false;
    const own = { ...typed.texts, csrf: token(), key: locals.idempotencyKey };
    const key = [
      res.req.locale,
      res.req.originalUrl,
      JSON.stringify([locals.slot, locals.verifyPhone, locals.formError]),
      typed.choices,
    ].join('\n');
    pages.show(res, {
      view,
      key,
      // The slots offered instead are kept for a moment too (the schedule's cache): while they
      // are the same, so is the page.
      inputs: [...inputs, locals.alternatives ?? NO_ALTERNATIVES],
      marked: () => ({
        ...locals,
        values: typed.shown,
        idempotencyKey: hole('key'),
        csrfToken: () => hole('csrf'),
      }),
      own,
      status,
    });
    return true;
  };
}
