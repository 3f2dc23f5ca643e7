import { z } from 'zod';
import { localTime } from './dates.schema.ts';
import { hasControlInLines, hasVisible, optionalText, requiredText } from './free-text.schema.ts';
import { checkbox, int } from './staff-common.schema.ts';

/** 'Chinese | English' per line; a line with one language only uses it for both. */
const documentsText = z.preprocess(
  (v) => (typeof v === 'string' ? v : ''),
  z
    .string()
    .max(3000)
    .refine((text) => !hasControlInLines(text), { error: 'field.control_chars_multiline' })
    .refine((text) => text.split(/\r?\n/).every((line) => line.trim() === '' || hasVisible(line)), {
      error: 'field.nothing_visible',
    })
    .transform((text) =>
      text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
        .slice(0, 20)
        .map((line) => {
          const [zh = '', en = ''] = line.split('|').map((p) => p.trim());
          return { zh: (zh || en).slice(0, 200), en: (en || zh).slice(0, 300) };
        })
        // A line of separators only ('|') names no document.
        .filter((d) => d.zh !== ''),
    ),
);

const detailsShape = {
  nameZh: requiredText(60),
  nameEn: requiredText(100),
  addressZh: requiredText(120),
  addressEn: optionalText(200).transform((v) => v ?? ''),
  phone: optionalText(40).transform((v) => v ?? ''),
  timezone: requiredText(64),
  documents: documentsText,
};

export const officeDetailsSchema = z.object({ ...detailsShape, active: checkbox });

export const newOfficeSchema = z.object({
  ...detailsShape,
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, { error: 'staff.office_slug_format' }),
});

export const officeRulesSchema = z
  .object({
    daysAhead: int(0, 365),
    cutoffDaysBefore: int(0, 60),
    cutoffTime: localTime,
    openTime: localTime,
    minAgeMale: int(16, 30),
    minAgeFemale: int(16, 30),
    maxNoShows: int(0, 20),
    withinDays: int(1, 730),
    blockDays: int(0, 365),
    ceremonyBufferMinutes: int(0, 480),
  })
  .refine((r) => r.daysAhead >= r.cutoffDaysBefore, {
    path: ['daysAhead'],
    message: 'staff.rules_window_empty',
  });
export type OfficeRulesForm = z.infer<typeof officeRulesSchema>;
