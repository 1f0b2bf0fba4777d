import { analyze, analyzeWords, countedNounTerms, termsOfTokens, tokenize, wordsOfTokens } from './analyze.js';
import { answerKindOf, type AnswerKind } from './answer-kind.js';
import { expandQuery, hasRendering, looksEnglish } from './cross-lingual.js';

/** A query term with its weight (1 for the question's own words; less for renderings and carried-over context). */
export interface WeightedTerm {
  term: string;
  weight: number;
}

/** What lexical search needs of a question, analysed once. */
export interface LexicalQuery {
  /** Stemmed terms to score, each once at its strongest weight (translations included). */
  weighted: WeightedTerm[];
  /** Unstemmed words of the question (exact-word bonus). */
  words: string[];
  /** Stemmed terms of the question's own text, in order (adjacent-pair bonus). */
  terms: string[];
}

/**
 * A question analysed once, then read by search, evidence and highlights alike.
 * A follow-up ("Et avec qui ?") is analysed with the previous question as context: the
 * follow-up decides what kind of answer is wanted, the context lends its subject.
 */
export interface AnalysedQuestion extends LexicalQuery {
  /** The question as asked. */
  question: string;
  /** The previous question of the conversation, when this one follows up on it. */
  context: string | null;
  /** What kind of answer the wording asks for (from the follow-up itself, else its context). */
  kind: AnswerKind;
  english: boolean;
  /**
   * Content terms that count as evidence: the question's own (answer-type words left out),
   * then the context's at a lower weight, then French renderings of English words.
   * `specific` marks names (capitalised inside the sentence) and figures.
   */
  content: QuestionTerm[];
  /**
   * A follow-up that asks only for a kind of answer about the previous question's subject
   * ("Et avec qui ?", "Combien ?", "And where?"): no content words of its own.
   */
  kindOnly: boolean;
  /** The words of the question and its context as tokens give them (lowercased): what a sentence must add to answer. */
  asked: ReadonlySet<string>;
  /** Terms of the noun the question's "combien de" counts ("colonies"): the second stage looks for a figure stated before it. */
  counted: readonly string[];
}

/** A content term of a question, and whether it was written as a name (capitalised inside the sentence). */
export interface QuestionTerm {
  term: string;
  specific: boolean;
  /** 1 for the question's own words, less for renderings of English words and for the context's words. */
  weight: number;
  /** A rendering of an English word: counts as evidence only where the coverage uses it. */
  rendering?: boolean;
  /** The words as written (folded, unstemmed) that gave this term; empty for renderings. */
  forms: string[];
  /** For a word of an English question: whether the lexicon has French renderings of it. */
  translatable?: boolean;
}

/** Weight of the previous question's terms in a follow-up: they give the subject, the follow-up the point. */
export const CONTEXT_WEIGHT = 0.5;

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

/** A century or rank in Roman numerals ("XIXe", "XIXème", "IIIeme"): written in capitals, but a figure, not a name. */
const ROMAN_ORDINAL = /(?<![\p{L}])[MDCLXVI]+(?:e|er|re|ème|eme|è)(?![\p{L}])/gu;

/** Follow-up openers that only point back ("Et", "And", "Also"): no content of their own. */
const FOLLOW_UP_FILLER = /^\s*(?:et|and|also|aussi|alors|puis|ensuite|so)\b[\s,]*/i;

function ownTerms(text: string): QuestionTerm[] {
  const english = looksEnglish(text);
  // Terms come from the whole question (so "Son" stays a name there); specificity from its tokens.
  // A capitalised English word the lexicon translates ("SoftBank World", "the United States")
  // is a word, not a name the coverage should know: its French renderings stand for it.
  const all = tokenize(text);
  const romans = new Set([...text.matchAll(ROMAN_ORDINAL)].map((m) => m[0].toLowerCase()));
  const names = all.filter((t) => t.proper && !(english && hasRendering(t.text)) && !romans.has(t.text));
  const specific = new Set(names.flatMap((t) => analyze(t.text)));
  const forms = new Map<string, Set<string>>();
  const translatable = new Set<string>();
  for (const token of all) {
    if (english && token.kind === 'word' && hasRendering(token.text)) for (const t of analyze(token.text)) translatable.add(t);
    const terms = termsOfTokens([token]);
    const words = wordsOfTokens([token]);
    if (terms.length !== words.length) continue;
    terms.forEach((term, i) => {
      const f = forms.get(term) ?? new Set<string>();
      f.add(words[i]!);
      forms.set(term, f);
    });
  }
  return [...new Set(analyze(text))]
    .filter((t) => !ANSWER_TYPE_TERMS.has(t))
    .map((term) => ({ term, specific: specific.has(term), weight: 1, forms: [...(forms.get(term) ?? [])], ...(english ? { translatable: translatable.has(term) } : {}) }));
}

function renderings(text: string, seen: Set<string>): QuestionTerm[] {
  if (!looksEnglish(text)) return [];
  const best = new Map<string, number>();
  for (const { term, weight } of expandQuery(text)) {
    if (!seen.has(term) && !ANSWER_TYPE_TERMS.has(term)) best.set(term, Math.max(best.get(term) ?? 0, weight));
  }
  return [...best].map(([term, weight]) => ({ term, specific: false, weight, rendering: true, forms: [] }));
}

function mergeWeighted(lists: WeightedTerm[][]): WeightedTerm[] {
  const out = new Map<string, number>();
  for (const list of lists) for (const { term, weight } of list) if (weight > 0) out.set(term, Math.max(out.get(term) ?? 0, weight));
  return [...out].map(([term, weight]) => ({ term, weight }));
}

/**
 * Analyses a question (and the previous one, for a follow-up) once for the whole ask. Pure.
 * @example analyseQuestion('Et avec qui ?', 'Combien SoftBank va-t-il investir dans Stargate ?')
 *   // { kind: 'person', content: [{ term: 'softbank', weight: 0.5, … }, { term: 'invest', weight: 0.5, … }, …], … }
 */
export function analyseQuestion(question: string, context: string | null = null): AnalysedQuestion {
  // A question asked again (a repeated /ask, "more passages", the eval) is not analysed again.
  const key = `${context ?? ''}\u0000${question}`;
  const known = memo.get(key);
  if (known) return known;
  const analysed = analyse(question, context);
  if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value!);
  memo.set(key, analysed);
  return analysed;
}

const MEMO_SIZE = 512;
const memo = new Map<string, AnalysedQuestion>();

function analyse(question: string, context: string | null): AnalysedQuestion {
  const own = ownTerms(question);
  const english = looksEnglish(question) || (own.length === 0 && context !== null && looksEnglish(context));
  const ownKind = answerKindOf(question);
  const seen = new Set(own.map((t) => t.term));
  const content: QuestionTerm[] = [...own];
  let contextTerms: QuestionTerm[] = [];
  if (context) {
    contextTerms = ownTerms(context)
      .filter((t) => !seen.has(t.term))
      .map((t) => ({ ...t, weight: t.weight * CONTEXT_WEIGHT }));
    for (const t of contextTerms) seen.add(t.term);
    content.push(...contextTerms);
  }
  const ownRenderings = renderings(question, seen);
  for (const t of ownRenderings) seen.add(t.term);
  const contextRenderings = context ? renderings(context, seen).map((t) => ({ ...t, weight: t.weight * CONTEXT_WEIGHT })) : [];
  content.push(...ownRenderings, ...contextRenderings);

  const asked = question.replace(FOLLOW_UP_FILLER, '');
  const weighted = mergeWeighted([
    expandQuery(question),
    context ? expandQuery(context).map((t) => ({ term: t.term, weight: t.weight * CONTEXT_WEIGHT })) : [],
  ]);
  return {
    question,
    context,
    kind: ownKind ?? (context ? answerKindOf(context) : null),
    kindOnly: context !== null && own.length === 0 && ownKind !== null,
    english,
    content,
    weighted,
    words: [...new Set([...analyzeWords(asked), ...(context ? analyzeWords(context) : [])])],
    terms: analyze(question),
    asked: new Set(tokenize(context ? `${context} ${question}` : question).map((t) => t.text)),
    counted: [...countedNounTerms(question)],
  };
}
