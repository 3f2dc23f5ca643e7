import express, { type NextFunction, type Request, type Response } from 'express';
import { plainJsonFirst } from './json-body.ts';
import { verifyFormUtf8, verifyJsonUtf8 } from './utf8-body.ts';

const FORM_BODY = { extended: true, limit: '100kb', parameterLimit: 200 } as const;
/** 100 kB, as body-parser counts a kilobyte. */
const JSON_LIMIT = 100 * 1024;

/** `application/json`, with or without parameters (a charset): never a form, whatever its case. */
const JSON_TYPE = /^application\/json\s*(?:;|$)/i;

/**
 * A form's body or a JSON body, parsed (each checked to be UTF-8). A request that says it sends
 * JSON goes to the JSON parser alone: the form parser would only have looked at its type and
 * passed it on. Any other goes to both in turn, as it always has. A JSON body as clients send
 * it is read by the app itself, with body-parser's refusals (json-body.ts).
 */
export function bodyParsers() {
  const form = express.urlencoded({ ...FORM_BODY, verify: verifyFormUtf8 });
  const json = plainJsonFirst(express.json({ limit: JSON_LIMIT, verify: verifyJsonUtf8 }), JSON_LIMIT);
  return (req: Request, res: Response, next: NextFunction) => {
    if (JSON_TYPE.test(req.headers['content-type'] ?? '')) return json(req, res, next);
    form(req, res, (err?: unknown) => (err ? next(err) : json(req, res, next)));
  };
}
