// The day roster as a CSV file (see lib/csv.ts for what makes spreadsheets open it right).
import { localTimeOf } from '../../domain/local-time.ts';
import type { Translator } from '../../i18n/translate.ts';
import { csvFile } from '../../lib/csv.ts';
import type { DayWindow } from './effective-schedule.ts';
import type { Roster } from './roster-service.ts';

export function windowLabel(w: DayWindow | undefined, t: Translator): string {
  if (!w) return '';
  if (w.extraNumber) return t('staff.window_extra', { n: w.extraNumber });
  return /^\d+$/.test(w.name) ? t('staff.window_n', { n: w.name }) : w.name;
}

export function rosterCsv(roster: Roster, zone: string, t: Translator): string {
  const time = (d: Date | undefined) => (d ? localTimeOf(d, zone) : '');
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
      const name = (p: (typeof e.partners)[number] | undefined) =>
        e.erased ? t('privacy.erased') : (p?.name ?? '');
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
        name(a),
        a?.idMasked ?? '',
        a?.phoneMasked ?? '',
        name(b),
        b?.idMasked ?? '',
        b?.phoneMasked ?? '',
        t(`staff.channel.${e.channel}`),
        time(e.arrivedAt),
        time(e.servedAt),
        notes.join('; '),
      ]);
    }
  }
  return csvFile(rows);
}
