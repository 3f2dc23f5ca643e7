import { randomBytes as nodeRandomBytes } from 'node:crypto';

export type Clock = () => Date;
export type RandomBytes = (n: number) => Uint8Array;

export const systemClock: Clock = () => new Date();
export const systemRandom: RandomBytes = (n) => nodeRandomBytes(n);
