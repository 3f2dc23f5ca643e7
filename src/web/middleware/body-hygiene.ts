import type { NextFunction, Request, Response } from 'express';

// Bodies are parsed with prototype-named keys allowed (body-parser passes allowPrototypes to
// qs, and JSON.parse keeps them): a field posted as `a[toString]=` makes an object that throws
// when a page prints it back, and `__proto__` or `constructor` keys invite prototype pollution
// in whatever merges the body later. No form or endpoint of this app has such a field, so they
// are dropped once, here, before any route sees the body.
const FORBIDDEN = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'toLocaleString',
  'valueOf',
  'toJSON',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
]);

/** Removes prototype-named keys from a parsed body, in place, at any depth. */
export function cleanBody(value: unknown, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 32) return;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN.has(key)) delete (value as Record<string, unknown>)[key];
    else cleanBody((value as Record<string, unknown>)[key], depth + 1);
  }
}

export function bodyHygiene() {
  return (req: Request, _res: Response, next: NextFunction) => {
    cleanBody(req.body);
    next();
  };
}
