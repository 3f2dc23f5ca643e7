import express, { type NextFunction, type Request, type Response } from 'express';
import { verifyFormUtf8, verifyJsonUtf8 } from './utf8-body.ts';

const FORM_BODY = { extended: true, limit: '100kb', parameterLimit: 200 } as const;
const JSON_BODY = { limit: '100kb' } as const;

/** `application/json`, with or without parameters (a charset): never a form, whatever its case. */
const JSON_TYPE = /^application\/json\s*(?:;|$)/i;

/**
 * A form's body or a JSON body, parsed (each checked to be UTF-8). A request that says it sends
 * JSON goes to the JSON parser alone: the form parser would only have looked at its type and
 * passed it on. Any other goes to both in turn, as it always has.
 */
export function bodyParsers() {
  const form = express.urlencoded({ ...FORM_BODY, verify: verifyFormUtf8 });
  const json = express.json({ ...JSON_BODY, verify: verifyJsonUtf8 });
  return (req: Request, res: Response, next: NextFunction) => {
    if (JSON_TYPE.test(req.headers['content-type'] ?? '')) return json(req, res, next);
    form(req, res, (err?: unknown) => (err ? next(err) : json(req, res, next)));
  };
}
