// An independent check on the Chinese calendar: true new moons after Meeus,
// "Astronomical Algorithms" (2nd ed.), chapter 49, accurate to well under a minute
// for this century, with Espenak-Meeus polynomials for Delta T. A lunar month starts
// on the China Standard Time date of its new moon, so Qixi is 6 days after one.
const RAD = Math.PI / 180;
const UNIX_EPOCH_JD = 2440587.5;
const DAY_MS = 86_400_000;

function julianEphemerisDayOfNewMoon(k: number): number {
  const t = k / 1236.85;
  const e = 1 - 0.002516 * t - 0.0000074 * t * t;
  const m = (2.5534 + 29.1053567 * k - 0.0000014 * t * t - 0.00000011 * t ** 3) * RAD;
  const mp =
    (201.5643 + 385.81693528 * k + 0.0107582 * t * t + 0.00001238 * t ** 3 - 0.000000058 * t ** 4) * RAD;
  const f =
    (160.7108 + 390.67050284 * k - 0.0016118 * t * t - 0.00000227 * t ** 3 + 0.000000011 * t ** 4) * RAD;
  const om = (124.7746 - 1.56375588 * k + 0.0020672 * t * t + 0.00000215 * t ** 3) * RAD;
  const mean =
    2451550.09766 + 29.530588861 * k + 0.00015437 * t * t - 0.00000015 * t ** 3 + 0.00000000073 * t ** 4;
  const terms: [number, number][] = [
    [-0.4072, mp],
    [0.17241 * e, m],
    [0.01608, 2 * mp],
    [0.01039, 2 * f],
    [0.00739 * e, mp - m],
    [-0.00514 * e, mp + m],
    [0.00208 * e * e, 2 * m],
    [-0.00111, mp - 2 * f],
    [-0.00057, mp + 2 * f],
    [0.00056 * e, 2 * mp + m],
    [-0.00042, 3 * mp],
    [0.00042 * e, m + 2 * f],
    [0.00038 * e, m - 2 * f],
    [-0.00024 * e, 2 * mp - m],
    [-0.00017, om],
    [-0.00007, mp + 2 * m],
    [0.00004, 2 * mp - 2 * f],
    [0.00004, 3 * m],
    [0.00003, mp + m - 2 * f],
    [0.00003, 2 * mp + 2 * f],
    [-0.00003, mp + m + 2 * f],
    [0.00003, mp - m + 2 * f],
    [-0.00002, mp - m - 2 * f],
    [-0.00002, 3 * mp + m],
    [0.00002, 4 * mp],
  ];
  const planetary: [number, number][] = [
    [0.000325, 299.77 + 0.107408 * k - 0.009173 * t * t],
    [0.000165, 251.88 + 0.016321 * k],
    [0.000164, 251.83 + 26.651886 * k],
    [0.000126, 349.42 + 36.412478 * k],
    [0.00011, 84.66 + 18.206239 * k],
    [0.000062, 141.74 + 53.303771 * k],
    [0.00006, 207.14 + 2.453732 * k],
    [0.000056, 154.84 + 7.30686 * k],
    [0.000047, 34.52 + 27.261239 * k],
    [0.000042, 207.19 + 0.121824 * k],
    [0.00004, 291.34 + 1.844379 * k],
    [0.000037, 161.72 + 24.198154 * k],
    [0.000035, 239.56 + 25.513099 * k],
    [0.000023, 331.55 + 3.592518 * k],
  ];
  return (
    mean +
    terms.reduce((sum, [amplitude, angle]) => sum + amplitude * Math.sin(angle), 0) +
    planetary.reduce((sum, [amplitude, degrees]) => sum + amplitude * Math.sin(degrees * RAD), 0)
  );
}

function deltaTSeconds(year: number): number {
  const t = year - 2000;
  if (year < 2005) return 63.86 + 0.3345 * t - 0.060374 * t * t + 0.0017275 * t ** 3 + 0.000651814 * t ** 4;
  if (year < 2050) return 62.92 + 0.32217 * t + 0.005589 * t * t;
  return -20 + 32 * ((year - 1820) / 100) ** 2 - 0.5628 * (2150 - year);
}

/** The instant of the new moon nearest to `near`. */
export function newMoonNear(near: Date): Date {
  const year = near.getUTCFullYear() + near.getUTCMonth() / 12;
  const k0 = Math.round((year - 2000) * 12.3685);
  const candidates = [k0 - 1, k0, k0 + 1].map(
    (k) => (julianEphemerisDayOfNewMoon(k) - UNIX_EPOCH_JD) * DAY_MS - deltaTSeconds(year) * 1000,
  );
  const best = candidates.reduce((a, b) =>
    Math.abs(a - near.getTime()) <= Math.abs(b - near.getTime()) ? a : b,
  );
  return new Date(best);
}

/** The China Standard Time (UTC+8) calendar date of an instant. */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
