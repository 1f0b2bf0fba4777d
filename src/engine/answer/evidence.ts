import { analyze, tokenize } from '../text/analyze.js';
import type { TermStats } from '../search/term-weights.js';
import { expandQuery, hasRendering, looksEnglish } from '../text/cross-lingual.js';

/** A content term of a question, and whether it was written as a name (capitalised inside the sentence) or a figure. */
export interface QuestionTerm {
  term: string;
  specific: boolean;
  /** Relative weight: 1 for the question's own words, less for French renderings of English ones. */
  weight?: number;
}

/**
 * Words that say what kind of answer is wanted ("quel est le nom…", "quelle durée…", "what
 * year…"), not what it is about: an answering passage rarely repeats them, so they do not
 * count for or against coverage.
 */
const ANSWER_TYPE_TERMS: ReadonlySet<string> = new Set(
  analyze(
    'nom noms date dates année années an ans jour durée raison raisons exemple exemples type types sorte genre nombre ' +
      'signifie signification définition consiste façon manière moyen ' +
      'name names year years day duration reason reasons example examples kind number mean means meaning way',
  ),
);

/**
 * The question's content terms, once each, without question and answer-type words.
 * @example questionTerms('Qui est le PDG de Samsung ?') // [{ term: 'pdg', specific: true }, { term: 'samsung', specific: true }]
 */
export function questionTerms(question: string): QuestionTerm[] {
  // Terms come from the whole question (so "Son" stays a name there); specificity from its tokens.
  const specific = new Set(tokenize(question).filter((t) => t.proper).flatMap((t) => analyze(t.text)));
  const terms = [...new Set(analyze(question))].filter((t) => !ANSWER_TYPE_TERMS.has(t));
  return terms.map((term) => ({ term, specific: specific.has(term) }));
}

export interface LexicalEvidence {
  /** Best idf-weighted share of the question's content terms found in one passage (title included), 0–1. */
  coverage: number;
  /** Names the question uses that the coverage never does (not even one typo away). */
  unknownNames: string[];
}

/**
 * The terms whose presence counts as evidence. For an English question over French text, its
 * English words the coverage never uses are expected to be missing and are left out (names
 * stay: an unknown name still counts against), and the French renderings of its words join in.
 */
export function evidenceTerms(question: string, stats: TermStats): QuestionTerm[] {
  if (!looksEnglish(question)) return questionTerms(question);
  // A capitalised English word the lexicon translates ("SoftBank World", "the United States")
  // is a word, not a name the coverage should know: its French renderings stand for it.
  const translatable = new Set(tokenize(question).filter((t) => t.proper && hasRendering(t.text)).flatMap((t) => analyze(t.text)));
  const own = questionTerms(question).map((t) => (translatable.has(t.term) ? { ...t, specific: false } : t));
  const kept = own.filter((t) => t.specific || stats.known(t.term));
  const seen = new Set(own.map((t) => t.term));
  const renderings = new Map<string, number>();
  for (const { term, weight } of expandQuery(question)) {
    if (!seen.has(term) && !ANSWER_TYPE_TERMS.has(term)) renderings.set(term, Math.max(renderings.get(term) ?? 0, weight));
  }
  return [...kept, ...[...renderings].map(([term, weight]) => ({ term, specific: false, weight }))];
}

/**
 * How well the leading passages cover the question, lexically. Pure.
 * @example lexicalEvidence(questionTerms('Qui finance la Fondation Son ?'), ['La Fondation Son est financée par Son.'], stats) // { coverage: 1, unknownNames: [] }
 */
export function lexicalEvidence(terms: QuestionTerm[], passages: string[], stats: TermStats): LexicalEvidence {
  const w = (t: QuestionTerm) => stats.weight(t.term) * (t.weight ?? 1);
  const total = terms.reduce((n, t) => n + w(t), 0);
  let coverage = 0;
  if (total > 0) {
    for (const p of passages) {
      const have = new Set(analyze(p));
      const got = terms.reduce((n, t) => n + (have.has(t.term) ? w(t) : 0), 0);
      coverage = Math.max(coverage, got / total);
    }
  }
  return { coverage, unknownNames: terms.filter((t) => t.specific && !stats.known(t.term)).map((t) => t.term) };
}
