// What a compiled filter is, shared by the filter compiler and its field predicates.
import type { Collation } from '../collation.ts';
import type { Doc } from '../values.ts';

export interface MatchDetails {
  /** Index of the matched element in the first array of the matching path. */
  pos?: number;
}

/**
 * A compiled filter. `slots`: the operands of a filter compiled by its shape (shape.ts), in the
 * order the shape lists them; filters compiled for their own values ignore it.
 */
export type Matcher = (doc: Doc, details?: MatchDetails, slots?: readonly unknown[]) => boolean;

export interface FilterOptions {
  collation?: Collation;
  variables?: Doc;
}
