// What ties a refused form together for people who cannot see it (WCAG 3.3.1, 1.3.1, 2.4.3):
// each control that failed says so (aria-invalid) and points to its error text
// (aria-describedby); the error summary at the top of the page lists and links every field in
// error. The ids are derived from the field's key the same way everywhere: the error text of
// `partners.0.name` is `partners-0-name-error` (views/partials/field-error.ejs), its control
// `p0-name` (the partner fields of the booking and lottery forms).
import type { Locale } from '../i18n/locales.ts';
import { type MessageKey, translate } from '../i18n/translate.ts';

const PARTNER_FIELD = /^partners\.(\d)\.(\w+)$/;
const PARTNER = /^partners\.(\d)$/;
/** Keys whose error concerns a choice or a pair of fields rather than one control. */
const NO_CONTROL = new Set(['start', 'ranked']);

/** The label a person sees beside each field, by the last part of its key. */
const LABELS: Record<string, MessageKey> = {
  name: 'book.name',
  idType: 'book.id_type',
  idNumber: 'book.id_number',
  phone: 'book.phone',
  birthDate: 'book.birth_date',
  sex: 'book.sex',
  email: 'book.email',
  reference: 'manage.lookup_reference',
  phoneLast4: 'manage.lookup_last4',
  preference: 'lottery.apply.preference_kind',
  password: 'staff.login.password',
  verificationCode: 'verification.code_label',
};

export function errorTextId(key: string): string {
  return `${key.replace(/\./g, '-')}-error`;
}

/** The id of the control the key names, or of its error text when no single control does. */
export function targetId(key: string): string {
  const partner = PARTNER_FIELD.exec(key);
  if (partner) return `p${partner[1]}-${partner[2]}`;
  if (PARTNER.test(key) || NO_CONTROL.has(key)) return errorTextId(key);
  return key.replace(/\./g, '-');
}

/** The attributes of a control whose field was refused (nothing when it was not). */
export function invalidAttributes(fields: Record<string, string> | undefined, key: string): string {
  return fields?.[key] ? `aria-invalid="true" aria-describedby="${errorTextId(key)}"` : '';
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/**
 * The error text of a refused field (nothing when it was not), as views/partials/field-error.ejs
 * shows it: a helper rather than an include, because a form shows one per field and each
 * include costs a render a look-up on the disk and a copy of the page's locals.
 */
export function fieldErrorHtml(fields: Record<string, string> | undefined, key: string): string {
  const message = fields?.[key];
  return message ? `<p class="field-error" id="${errorTextId(key)}">${escapeHtml(String(message))}</p>` : '';
}

export interface ErrorLink {
  href: string;
  /** The id of the field's error text, where the page's script sends a link whose control is missing. */
  errorId: string;
  /** The field's label, when known ("" otherwise: the page's script adds the label it shows). */
  label: string;
  message: string;
}

/** One link per refused field, in the order of the form. */
export function errorLinks(fields: Record<string, string> | undefined, locale: Locale): ErrorLink[] {
  return Object.entries(fields ?? {}).map(([key, message]) => ({
    href: `#${targetId(key)}`,
    errorId: errorTextId(key),
    label: labelOf(key, locale),
    message,
  }));
}

function labelOf(key: string, locale: Locale): string {
  const partner = PARTNER_FIELD.exec(key) ?? PARTNER.exec(key);
  const who = partner ? translate(locale, partner[1] === '0' ? 'book.partner_a' : 'book.partner_b') : '';
  const field = LABELS[partner?.[2] ?? key];
  const what = field ? translate(locale, field) : '';
  return [who, what].filter(Boolean).join(' · ');
}
