// The hardening headers of every answer (CSP, HSTS behind https, nosniff, framing...). They are
// the same for every answer of a process, so helmet is asked for them once, when the app is
// built, and each request sets the list it gave: helmet itself builds and checks the policy's
// text again on every request, a cost every "full" of a rush paid for the same bytes.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/** The policy: nothing loaded from elsewhere, no inline scripts, no framing; HSTS only behind https. */
export function securityOptions(secure: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: secure ? [] : null,
      },
    },
    strictTransportSecurity: secure,
  };
}

export interface HeaderPlan {
  /** Set on every answer, in helmet's order. */
  set: [name: string, value: string][];
  /** Removed from every answer (X-Powered-By). */
  remove: string[];
}

/**
 * What a helmet middleware does to an answer, recorded once. None of this policy's values
 * depends on the request (no nonce, no function), which the recording checks: a middleware
 * that looked at the request, failed or did not finish at once is refused here, at start.
 */
export function recordHeaders(middleware: RequestHandler): HeaderPlan {
  const plan: HeaderPlan = { set: [], remove: [] };
  const request = new Proxy({} as Request, {
    get(_target, key) {
      throw new Error(`the security headers read the request (${String(key)}): they cannot be set once`);
    },
  });
  const response = {
    setHeader: (name: string, value: unknown) => {
      if (typeof value !== 'string') throw new Error(`security header ${name} is not a string`);
      plan.set.push([name, value]);
    },
    removeHeader: (name: string) => void plan.remove.push(name),
  } as unknown as Response;
  let done = false;
  middleware(request, response, (err?: unknown) => {
    if (err) throw err;
    done = true;
  });
  if (!done) throw new Error('the security headers middleware did not finish at once');
  return plan;
}

export function securityHeaders(secure: boolean): RequestHandler {
  const { set, remove } = recordHeaders(helmet(securityOptions(secure)));
  return (_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of set) res.setHeader(name, value);
    for (const name of remove) res.removeHeader(name);
    next();
  };
}
