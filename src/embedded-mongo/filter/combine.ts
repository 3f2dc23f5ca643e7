// How compiled filters combine: conjunction, disjunction, negation. Each passes on the operands
// of a filter compiled by its shape (`slots`, shape.ts) to the parts it combines.
import type { Matcher } from './matcher-types.ts';

export const always: Matcher = () => true;
export const never: Matcher = () => false;

/** All parts hold; each may set the positional details. */
export function and(parts: Matcher[]): Matcher {
  if (parts.length === 0) return always;
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) {
    const [a, b] = parts as [Matcher, Matcher];
    return (doc, details, slots) => a(doc, details, slots) && b(doc, details, slots);
  }
  return (doc, details, slots) => {
    for (const p of parts) if (!p(doc, details, slots)) return false;
    return true;
  };
}

/** `$or`: one branch holds. A one-branch `$or` is that branch (MongoDB simplifies it, positional `$` included). */
export function anyOf(list: Matcher[]): Matcher {
  if (list.length === 1) return list[0]!;
  return (doc, _details, slots) => list.some((m) => m(doc, undefined, slots));
}

/** `$nor`: no branch holds. */
export function noneOf(list: Matcher[]): Matcher {
  return (doc, _details, slots) => !list.some((m) => m(doc, undefined, slots));
}

export function not(m: Matcher): Matcher {
  return (doc, _details, slots) => !m(doc, undefined, slots);
}
