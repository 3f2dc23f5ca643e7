import { z } from 'zod';
import { requiredText } from './free-text.schema.ts';
import { stringList } from './staff-common.schema.ts';

export const accountCreateSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .pipe(z.email({ error: 'field.invalid_email' })),
  name: requiredText(60),
  role: z.enum(['admin', 'registrar', 'coordinator']),
  offices: stringList,
});

export const accountUpdateSchema = z.object({
  name: requiredText(60),
  role: z.enum(['admin', 'registrar', 'coordinator']),
  offices: stringList,
});
