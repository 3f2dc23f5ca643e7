import { z } from 'zod';
import { requiredText } from './free-text.schema.ts';

/** POST /api/v1/verification-codes, and the pages' "send code" buttons. */
export const verificationCodeRequestSchema = z.object({
  phone: requiredText(24),
  purpose: z.enum(['booking', 'lookup'], { error: 'field.invalid' }),
});

/** Finding one's bookings by phone, step 1: who and which phone. */
export const phoneLookupStartSchema = z.object({
  who: requiredText(30),
  phone: requiredText(24),
});

/** Step 2: the same, and the code texted to the phone. */
export const phoneLookupSchema = phoneLookupStartSchema.extend({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, { error: 'verification.code_format' }),
});
