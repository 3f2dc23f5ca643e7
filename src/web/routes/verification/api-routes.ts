// POST /api/v1/verification-codes: a code texted to a phone (docs/api.md).
import type { Router } from 'express';
import type { Container } from '../../../container.ts';
import { json } from '../../route.ts';
import { verificationCodeRequestSchema } from '../../schemas/verification.schema.ts';
import { issueCode } from './issue-code.ts';

export function verificationApiRoutes(api: Router, c: Container): void {
  const { policy } = c.services.verification;
  api.post(
    '/verification-codes',
    c.limits.verificationCodes,
    json({
      schema: verificationCodeRequestSchema,
      run: async ({ phone, purpose }, req, res) => {
        await issueCode(c, req, phone, purpose);
        res.status(202).json({
          status: 'accepted',
          expiresInSeconds: Math.round(policy.codeTtlMs / 1000),
          resendAfterSeconds: Math.round(policy.resendAfterMs / 1000),
        });
      },
    }),
  );
}
