// The variables of the application secret and its rotation, read by config.ts: APP_SECRET's
// earlier values, still accepted while what they signed lives (APP_SECRET_PREVIOUS), and the
// key of ID fingerprints, which is never rotated (ID_FINGERPRINT_SECRET). See docs/deploy.md,
// "The application secret".
import { z } from 'zod';

const MIN_SECRET = 32;

export const secretVariables = {
  APP_SECRET_PREVIOUS: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine(
      (list) => list.every((s) => s.length >= MIN_SECRET),
      `a comma-separated list of earlier APP_SECRET values, each at least ${MIN_SECRET} characters`,
    )
    .optional(),
  ID_FINGERPRINT_SECRET: z.string().min(MIN_SECRET, `must be at least ${MIN_SECRET} characters`).optional(),
};

/**
 * A rotation without the fingerprints' own key would move them to the new secret, and every
 * stored booking, hold and application would stop matching its people: refused, in every mode.
 */
export function secretProblems(env: Record<string, string | undefined>): string[] {
  if (!env.APP_SECRET_PREVIOUS) return [];
  const problems: string[] = [];
  if (!env.APP_SECRET) problems.push('APP_SECRET: required when APP_SECRET_PREVIOUS is set (the new secret)');
  if (!env.ID_FINGERPRINT_SECRET)
    problems.push(
      'ID_FINGERPRINT_SECRET: required when APP_SECRET_PREVIOUS is set (the APP_SECRET the stored ID fingerprints were made with, usually the first one; it is never rotated)',
    );
  return problems;
}
