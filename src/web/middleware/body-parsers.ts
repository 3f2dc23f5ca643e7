import express, { type NextFunction, type Request, type Response } from 'express';
import { plainFormFirst } from './form-body.ts';
import { plainJsonFirst } from './json-body.ts';
import { verifyFormUtf8, verifyJsonUtf8 } from './utf8-body.ts';

const FORM_BODY = { extended: true, limit: '100kb', parameterLimit: 200 } as const;
/** 100 kB, as body-parser counts a kilobyte (the JSON's limit and the form's). */
const BODY_LIMIT = 100 * 1024;

/** `application/json`, with or without parameters (a charset): never a form, whatever its case. */
const JSON_TYPE = /^application\/json\s*(?:;|$)/i;

/**
 * A form's body or a JSON body, parsed (each checked to be UTF-8). A request that says it sends
 * JSON goes to the JSON parser alone: the form parser would only have looked at its type and
 * passed it on. Any other goes to both in turn, as it always has. A JSON body or a form's body
 * as clients send them is read by the app itself, with body-parser's refusals (json-body.ts,
 * form-body.ts); a form read so is not shown to the JSON parser, which would find it read and
 * pass it on.
 */
export function bodyParsers() {
  const json = plainJsonFirst(express.json({ limit: BODY_LIMIT, verify: verifyJsonUtf8 }), BODY_LIMIT);
  const urlencoded = express.urlencoded({ ...FORM_BODY, verify: verifyFormUtf8 });
  const form = plainFormFirst(
    (req, res, next) => urlencoded(req, res, (err?: unknown) => (err ? next(err) : json(req, res, next))),
    { limit: BODY_LIMIT, parameterLimit: FORM_BODY.parameterLimit },
  );
  return (req: Request, res: Response, next: NextFunction) => {
    if (JSON_TYPE.test(req.headers['content-type'] ?? '')) return json(req, res, next);
    form(req, res, next);
  };
}
