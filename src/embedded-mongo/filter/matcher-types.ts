// What a compiled filter is, shared by the filter compiler and its field predicates.
import type { Collation } from '../collation.ts';
import type { Doc } from '../values.ts';

export interface MatchDetails {
  /** Index of the matched element in the first array of the matching path. */
  pos?: number;
}

export type Matcher = (doc: Doc, details?: MatchDetails) => boolean;

export interface FilterOptions {
  collation?: Collation;
  variables?: Doc;
}
