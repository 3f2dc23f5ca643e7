import { z } from 'zod';

/** POST /staff/login. The password is not trimmed: spaces may be part of it. */
export const staffLoginSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .pipe(z.email({ error: 'field.invalid_email' })),
  password: z.string().min(1).max(200),
  next: z.string().max(500).optional(),
});

/** POST /staff/password/:token (the one-time link). */
export const staffPasswordSchema = z.object({
  password: z.string().max(200),
  confirm: z.string().max(200),
});

/** Only a path inside the console may be the target after login (no open redirect). */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string') return '/staff';
  if (!/^\/staff(\/|\?|$)/.test(next) || next.startsWith('//') || /[\\\r\n]/.test(next)) return '/staff';
  return next;
}
