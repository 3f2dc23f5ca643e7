// The day roster as a CSV file that Excel opens correctly: UTF-8 with a byte-order mark
// (without it, Excel in a Chinese locale reads the file as GBK and garbles every name),
// CRLF line ends, RFC 4180 quoting, and cells that would start a formula defused.
import { DateTime } from 'luxon';
import type { Translator } from '../../i18n/translate.ts';
import type { DayWindow } from './effective-schedule.ts';
import type { Roster } from './roster-service.ts';

export const BOM = '\uFEFF';

/** Quotes when needed; a leading = + - @ (or tab/CR) is prefixed with ' so no formula runs. */
export function csvCell(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function windowLabel(w: DayWindow | undefined, t: Translator): string {
  if (!w) return '';
  if (w.extraNumber) return t('staff.window_extra', { n: w.extraNumber });
  return /^\d+$/.test(w.name) ? t('staff.window_n', { n: w.name }) : w.name;
}

export function rosterCsv(roster: Roster, zone: string, t: Translator): string {
  const time = (d: Date | undefined) =>
    d ? DateTime.fromJSDate(new Date(d), { zone }).toFormat('HH:mm') : '';
  const header = [
    t('staff.csv.reference'),
    t('staff.csv.date'),
    t('staff.csv.slot'),
    t('staff.csv.window'),
    t('staff.csv.status'),
    t('staff.csv.partner_a'),
    t('staff.csv.id_a'),
    t('staff.csv.phone_a'),
    t('staff.csv.partner_b'),
    t('staff.csv.id_b'),
    t('staff.csv.phone_b'),
    t('staff.csv.channel'),
    t('staff.csv.arrived'),
    t('staff.csv.served'),
    t('staff.csv.note'),
  ];
  const rows = [header];
  for (const slot of roster.slots) {
    for (const e of slot.entries) {
      const [a, b] = e.partners;
      const notes = [
        e.overbooked ? t('staff.overbooked') : '',
        e.closed ? t('staff.closure_marked') : '',
        slot.dropped ? t('staff.slot_dropped') : '',
      ].filter(Boolean);
      rows.push([
        e.reference,
        roster.date,
        `${e.start}-${e.end}`,
        windowLabel(roster.windows[e.window], t),
        t(`staff.status.${e.status}`),
        a?.name ?? '',
        a?.idMasked ?? '',
        a?.phoneMasked ?? '',
        b?.name ?? '',
        b?.idMasked ?? '',
        b?.phoneMasked ?? '',
        t(`staff.channel.${e.channel}`),
        time(e.arrivedAt),
        time(e.servedAt),
        notes.join('; '),
      ]);
    }
  }
  return BOM + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
