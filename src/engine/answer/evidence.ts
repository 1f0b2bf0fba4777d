import { foldAccents, thirdPluralStem } from '../text/analyze.js';
import { withinOneEdit } from '../search/bm25.js';
import type { TermStats } from '../search/term-weights.js';
import type { AnalysedQuestion, QuestionTerm } from '../text/question-analysis.js';
import type { SentenceTerms } from './sentence-terms.js';

export interface LexicalEvidence {
  /** Best idf-weighted share of the question's content terms found in one passage (title included), 0–1. */
  coverage: number;
  /** Names the question uses that the coverage never does. */
  unknownNames: string[];
  /** Other words of the question the coverage never uses, not even one typo away ("dividende", "mayor"). */
  unknownWords: string[];
  /** Figures of the question the coverage never states ("en 1900"): like an unknown name, the question is about something else. */
  unknownFigures: string[];
}

/**
 * What the question asks of its names: its terms other than names and figures ("fondé" in "Quand
 * Oracle a-t-il été fondé ?", "favourite food" of Elon Musk). Names say whom a passage is about;
 * a passage that answers also holds some of what is asked.
 */
export function focusTerms(terms: readonly QuestionTerm[]): QuestionTerm[] {
  return terms.filter((t) => !t.specific && !/^\d/.test(t.term));
}

/**
 * The best share of the question's focus terms one passage holds, counted as `coverageOf` counts;
 * null when the question has no focus terms ("Que fait Steve Rowe en 1987 ?" asks only of names). Pure.
 */
export function focusCoverage(terms: readonly QuestionTerm[], passages: readonly EvidencePassage[], stats: TermStats): number | null {
  const focus = focusTerms(terms);
  return focus.length ? passages.reduce((best, parts) => Math.max(best, coverageOf(focus, parts, stats)), 0) : null;
}

/**
 * Share of a term's weight a passage earns when it holds the term's stem but none of the
 * question's words for it ("capitaux" for "capitale", "perdu" never for "Pérou"): a shared
 * stem alone is weaker evidence than the word.
 */
export let STEM_ONLY_SHARE = 0.5;

/** For scripts/tune-answer.ts only: measures the dev sets at another share. */
export function setStemOnlyShare(share: number): void {
  STEM_ONLY_SHARE = share;
}

/**
 * The terms whose presence counts as evidence. For an English question over French text, its
 * English words the coverage never uses are expected to be missing and are left out (names
 * stay: an unknown name still counts against), and the French renderings of its words join in.
 */
export function evidenceTerms(q: AnalysedQuestion, stats: TermStats): QuestionTerm[] {
  const accented = accentedWords(q);
  if (!q.english) return q.content.filter((t) => !t.rendering && !isStray(t, stats, accented)).map((t) => asCoverageSays(t, stats));
  // An English word the lexicon renders stands through its renderings; one it cannot render
  // ("mayor", "latest") stays, and counts against where the coverage never uses it.
  return q.content.filter((t) => (t.rendering || t.specific || stats.known(t.term) || !t.translatable) && !isStray(t, stats, accented));
}

/**
 * A verb's "-ent" plural the coverage never uses, whose stem it does use ("dirigent" / "dirig":
 * Snowball leaves that ending whole), stands for that stem: a conjugation, not a word the coverage lacks.
 */
function asCoverageSays(t: QuestionTerm, stats: TermStats): QuestionTerm {
  if (t.specific || stats.known(t.term)) return t;
  const plural = thirdPluralStem(t.term);
  return plural !== null && stats.known(plural) ? { ...t, term: plural } : t;
}

/**
 * A word of three letters or fewer that the coverage never uses is a slip of the keyboard
 * ("sls" for "les") or an abbreviation, not the question's topic: it is left out of evidence.
 * A word written with an accent ("né", "dû") was typed on purpose: it stays.
 */
function isStray(t: QuestionTerm, stats: TermStats, accented: ReadonlySet<string>): boolean {
  return (
    !t.specific && !t.rendering && !/^\d/.test(t.term) && t.forms.length > 0 &&
    t.forms.every((f) => f.length <= 3 && !accented.has(f)) && !stats.known(t.term)
  );
}

/** The question's words written with a diacritic, folded ("né" → "ne"). */
function accentedWords(q: AnalysedQuestion): Set<string> {
  const out = new Set<string>();
  for (const word of q.asked) {
    const folded = foldAccents(word);
    if (folded !== word) out.add(folded);
  }
  return out;
}

/** A passage as evidence: its sentences' analyses and its title's. */
export type EvidencePassage = readonly SentenceTerms[];

/**
 * The idf-weighted share of the question's terms one passage (or any group of sentences) holds,
 * 0–1; a term found only as a shared stem counts `STEM_ONLY_SHARE` of its weight. Pure.
 */
export function coverageOf(terms: readonly QuestionTerm[], parts: EvidencePassage, stats: TermStats): number {
  const w = (t: QuestionTerm) => stats.weight(t.term) * t.weight;
  const total = terms.reduce((n, t) => n + w(t), 0);
  if (total <= 0) return 0;
  let got = 0;
  for (const t of terms) {
    if (!parts.some((p) => p.terms.has(t.term))) continue;
    const sameWord = t.forms.length === 0 || parts.some((p) => t.forms.some((f) => p.words.has(f)));
    got += w(t) * (sameWord ? 1 : STEM_ONLY_SHARE);
  }
  return got / total;
}

/** Shortest name a typo is forgiven in: a shorter one is one edit from many words and names. */
const NAME_TYPO_LENGTH = 7;

/**
 * Whether the coverage knows a name: it uses that very term, or the passages found write a name
 * (capitalised inside a sentence) one typo from it, for a name of seven letters or more
 * ("Maharashi" / "Maharishi"). A word one typo away is another word, however long: "François" is
 * not "français", "Pérou" not "perdu".
 */
function knownName(term: string, passages: readonly EvidencePassage[], stats: TermStats): boolean {
  if (stats.knownName(term)) return true;
  if (term.length < NAME_TYPO_LENGTH) return false;
  return passages.some((parts) => parts.some((p) => p.tokens.some((tok, i) => tok.proper && (p.at[i] ?? []).some((c) => withinOneEdit(term, c)))));
}

/**
 * How well the leading passages cover the question, lexically. Pure.
 * A name counts as known only where the coverage uses that very term: typo tolerance is for
 * words, it never turns an unknown name ("Pérou") into a known word ("perdu").
 * @example lexicalEvidence(evidenceTerms(analyseQuestion('Qui finance la Fondation Son ?'), stats), [[analyseSentence('La Fondation Son est financée par Son.')]], stats) // { coverage: 1, unknownNames: [] }
 */
export function lexicalEvidence(terms: QuestionTerm[], passages: readonly EvidencePassage[], stats: TermStats): LexicalEvidence {
  const coverage = passages.reduce((best, parts) => Math.max(best, coverageOf(terms, parts, stats)), 0);
  const own = terms.filter((t) => t.weight >= 1 && !t.rendering);
  const unknownNames = own.filter((t) => t.specific && !knownName(t.term, passages, stats)).map((t) => t.term);
  const unknownWords = own.filter((t) => !t.specific && !/^\d/.test(t.term) && !stats.known(t.term) && !stats.extended(t.term)).map((t) => t.term);
  const unknownFigures = own.filter((t) => /^\d/.test(t.term) && !stats.known(t.term)).map((t) => t.term);
  return { coverage, unknownNames, unknownWords, unknownFigures };
}
