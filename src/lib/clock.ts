import { randomBytes as nodeRandomBytes } from 'node:crypto';

export type Clock = () => Date;
export type RandomBytes = (n: number) => Uint8Array;

export const systemClock: Clock = () => new Date();

const POOL_BYTES = 4096;

/**
 * Random bytes drawn from the system in 4 KiB blocks and handed out once each, as Node does
 * for randomUUID(): one call into the system per hundred bookings rather than three each.
 * The pool belongs to the source the composition root builds, not to the module.
 */
export function createSystemRandom(): RandomBytes {
  let pool = new Uint8Array(0);
  let used = 0;
  return (n) => {
    if (n > POOL_BYTES / 8) return nodeRandomBytes(n);
    if (used + n > pool.length) {
      pool = nodeRandomBytes(POOL_BYTES);
      used = 0;
    }
    const out = pool.slice(used, used + n);
    used += n;
    return out;
  };
}
