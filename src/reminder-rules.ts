// REMINDERS: the reminders before an appointment, as the environment names them
// (`NAME:DAYS@HH:mm` or `NAME:MINUTESm`, comma-separated), read and checked.

export type ReminderRule =
  | { id: string; daysBefore: number; at: string }
  | { id: string; minutesBefore: number };

export function parseReminders(spec: string): ReminderRule[] {
  return spec.split(',').map((rule) => {
    const colon = rule.indexOf(':');
    const id = rule.slice(0, colon);
    const when = rule.slice(colon + 1);
    if (when.endsWith('m')) return { id, minutesBefore: Number(when.slice(0, -1)) };
    const [days, at] = when.split('@') as [string, string];
    return { id, daysBefore: Number(days), at };
  });
}

/** Why a reminder list cannot be used, or undefined: names must differ, times stay within reach. */
export function reminderProblem(spec: string): string | undefined {
  const rules = parseReminders(spec);
  if (new Set(rules.map((r) => r.id)).size !== rules.length) return 'each reminder needs its own name';
  for (const r of rules) {
    if ('daysBefore' in r && r.daysBefore > 14) return `${r.id}: at most 14 days before`;
    if ('minutesBefore' in r && (r.minutesBefore < 5 || r.minutesBefore > 20_160))
      return `${r.id}: between 5 and 20160 minutes before`;
  }
  return undefined;
}
