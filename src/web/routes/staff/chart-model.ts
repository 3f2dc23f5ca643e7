// Geometry of the dashboard's 14-day chart (booked against capacity), computed here and
// drawn as inline SVG by views/staff/partials/chart.ejs: a picture made on the server,
// readable without JavaScript, and testable as numbers.
import type { DayPoint } from '../../../services/staff/dashboard-service.ts';

export interface ChartBar {
  date: string;
  weekday: number;
  x: number;
  width: number;
  capacityY: number;
  capacityHeight: number;
  bookedY: number;
  bookedHeight: number;
  capacity: number;
  booked: number;
  over: boolean;
  peak: boolean;
  closed: boolean;
  label?: { zh: string; en: string } | undefined;
  dayLabel: string;
}

/** The same days as horizontal bars, one row each: the drawing for narrow screens. */
export interface ChartRow {
  y: number;
  capacityWidth: number;
  bookedWidth: number;
}

export interface ChartModel {
  width: number;
  height: number;
  plotTop: number;
  plotBottom: number;
  left: number;
  max: number;
  ticks: { value: number; y: number }[];
  bars: ChartBar[];
  rows: ChartRow[];
  narrow: { width: number; height: number; barLeft: number; barRight: number; rowHeight: number };
}

/** A round number at or above n for the axis (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k), at least 10. */
export function niceMax(n: number): number {
  if (n <= 10) return 10;
  const power = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (step * power >= n) return step * power;
  return 10 * power;
}

export function chartModel(days: DayPoint[]): ChartModel {
  const left = 40;
  const slot = 52;
  const width = left + days.length * slot + 8;
  const height = 210;
  const plotTop = 28;
  const plotBottom = 160;
  const max = niceMax(Math.max(1, ...days.map((d) => Math.max(d.capacity, d.booked))));
  // A tenth of a unit is finer than any screen shows, and keeps the markup short.
  const round = (v: number) => Math.round(v * 10) / 10;
  const y = (v: number) => round(plotBottom - (Math.min(v, max) / max) * (plotBottom - plotTop));
  const bars = days.map((d, i): ChartBar => {
    const x = left + i * slot + 6;
    const capacityY = y(d.capacity);
    const bookedY = y(d.booked);
    return {
      date: d.date,
      weekday: d.weekday,
      x,
      width: slot - 12,
      capacityY,
      capacityHeight: round(plotBottom - capacityY),
      bookedY,
      bookedHeight: round(plotBottom - bookedY),
      capacity: d.capacity,
      booked: d.booked,
      over: d.booked > d.capacity,
      peak: d.kind === 'peak',
      closed: d.kind === 'closed',
      label: d.label,
      dayLabel: `${Number(d.date.slice(5, 7))}/${Number(d.date.slice(8, 10))}`,
    };
  });
  const ticks = [0, 0.5, 1].map((f) => ({ value: Math.round(max * f), y: y(max * f) }));
  const narrow = { width: 360, height: days.length * 22 + 8, barLeft: 78, barRight: 296, rowHeight: 22 };
  const across = (v: number) => round((Math.min(v, max) / max) * (narrow.barRight - narrow.barLeft));
  const rows = days.map((d, i) => ({
    y: 4 + i * narrow.rowHeight,
    capacityWidth: across(d.capacity),
    bookedWidth: across(d.booked),
  }));
  return { width, height, plotTop, plotBottom, left, max, ticks, bars, rows, narrow };
}
