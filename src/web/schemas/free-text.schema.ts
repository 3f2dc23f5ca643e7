// Every field where a person types words (names, addresses, labels, messages, a programme)
// is built here, so what counts as text is decided once for every form and the JSON API.
//
// Refused, with a field message:
// - control characters (C0, DEL, C1) and the Unicode line and paragraph separators: a line
//   break or a NUL in a name splits a roster line, a CSV row or a mail header. Text areas
//   (programme, messages, documents) keep line breaks and tabs, and nothing else;
// - text with nothing visible: only spaces, zero-width characters, bidi controls or other
//   default-ignorable code points would show as an empty name at the desk.
import { z } from 'zod';

/** C0, DEL and C1 controls, and U+2028/U+2029 (line and paragraph separators). */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
/** One character that shows: not a space, a control, a format character or an ignorable one (Braille blank included). */
const VISIBLE = /[^\p{White_Space}\p{Z}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/u;

export const hasControl = (s: string) => CONTROL.test(s);
/** The same, apart from the tab, line feed and carriage return a text area sends. */
export const hasControlInLines = (s: string) => CONTROL.test(s.replace(/[\t\n\r]/g, ''));
export const hasVisible = (s: string) => VISIBLE.test(s);

/** An empty form field means "not set". */
export const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

function checked(lines: 'single' | 'multi', max: number) {
  const control = lines === 'single' ? hasControl : hasControlInLines;
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !control(s), {
      error: lines === 'single' ? 'field.control_chars' : 'field.control_chars_multiline',
    })
    .refine(hasVisible, { error: 'field.nothing_visible' });
}

/** One line of text, required. */
export const requiredText = (max: number) => checked('single', max);

/** One line of text; empty means not set (undefined). */
export const optionalText = (max: number) => z.preprocess(blankToUndefined, requiredText(max).optional());

/** A text area: line breaks and tabs allowed; empty means not set (undefined). */
export const optionalMultilineText = (max: number) =>
  z.preprocess(blankToUndefined, checked('multi', max).optional());

/** Text a text area sends to be split into lines by the caller: only the control characters are checked. */
export const linesText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !hasControlInLines(s), { error: 'field.control_chars_multiline' });
