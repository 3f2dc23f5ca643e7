// How many billed segments a text takes. Two rules apply:
//
// - 'mainland': Chinese providers (Alibaba Cloud, Tencent Cloud) bill a text to a mainland
//   number by its characters, whatever the language: the signature with its 【】 brackets plus
//   the body, every Chinese character, letter, digit, punctuation mark or space counting 1
//   (an emoji 2). Up to 70 is one segment; a longer text is split into parts of 67.
// - 'gsm': the GSM rule used for international numbers. A text made only of GSM-7 characters
//   takes 160 per segment, 153 per part when concatenated (^ { } [ ] ~ \ | € take two places
//   and never straddle two parts); any other character makes the whole text UCS-2: 70, or 67
//   per part, counted in UTF-16 units so that a surrogate pair is never cut.
//
// A Chinese signature makes every text UCS-2 anyway, so 'mainland' is never the looser of the
// two: the builders fit texts under it.

const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENSION = new Set('^{}\\[~]|€\f');

export type SmsCounting = 'mainland' | 'gsm';

export interface SegmentCount {
  encoding: 'mainland' | 'gsm7' | 'ucs2';
  /** Characters as billed (GSM-7 extension characters and emoji count 2). */
  units: number;
  segments: number;
}

export const MAINLAND_SINGLE = 70;
export const MAINLAND_PART = 67;

/** Parts needed when characters of the given widths are laid into parts without being cut. */
function pack(widths: number[], single: number, part: number): number {
  const total = widths.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  if (total <= single) return 1;
  let parts = 1;
  let used = 0;
  for (const w of widths) {
    if (used + w > part) {
      parts += 1;
      used = 0;
    }
    used += w;
  }
  return parts;
}

export function countSegments(text: string, counting: SmsCounting = 'mainland'): SegmentCount {
  if (counting === 'mainland') {
    const units = text.length;
    const segments = units === 0 ? 0 : units <= MAINLAND_SINGLE ? 1 : Math.ceil(units / MAINLAND_PART);
    return { encoding: 'mainland', units, segments };
  }
  const chars = [...text];
  if (chars.every((c) => GSM7_BASIC.has(c) || GSM7_EXTENSION.has(c))) {
    const widths = chars.map((c) => (GSM7_EXTENSION.has(c) ? 2 : 1));
    return { encoding: 'gsm7', units: sum(widths), segments: pack(widths, 160, 153) };
  }
  const widths = chars.map((c) => c.length);
  return { encoding: 'ucs2', units: sum(widths), segments: pack(widths, 70, 67) };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** The text as the phone shows it: the provider puts the signature in 【】 before the body. */
export function signedText(signName: string, body: string): string {
  return `【${signName}】${body}`;
}
