import { z } from 'zod';

/**
 * One eval question, a JSONL line (format in docs/quality.md, "Question files"): either answerable
 * (`sources` + `answerContains`) or one the coverage does not answer (`abstain`).
 */
export interface EvalQuestion {
  id: string;
  lang: string;
  question: string;
  /** The previous question of a conversation, for a follow-up ("Et avec qui ?"); asked with it as context. */
  context?: string;
  /** Article id prefixes of the articles that answer it; empty when it should be abstained on. */
  sources: string[];
  /** Phrases of which one must appear in a passage that answers it. */
  answerContains: string[];
  abstain: boolean;
}

const lineSchema = z.union([
  z.object({
    id: z.union([z.string(), z.number()]).transform(String),
    lang: z.string().trim().min(1).default('und'),
    question: z.string().trim().min(1),
    context: z.string().trim().min(1).optional(),
    abstain: z.literal(true),
  }),
  z.object({
    id: z.union([z.string(), z.number()]).transform(String),
    lang: z.string().trim().min(1).default('und'),
    question: z.string().trim().min(1),
    context: z.string().trim().min(1).optional(),
    sources: z.array(z.string().min(1)).min(1),
    answer_contains: z.array(z.string().min(1)).min(1),
    abstain: z.literal(false).optional(),
  }),
]);

/**
 * Parses a JSONL question file. Throws an Error naming the first bad line.
 * @example parseEvalQuestions('{"id":"q1","lang":"fr","question":"Qui ?","abstain":true}') // [{ id:'q1', abstain:true, sources:[], … }]
 */
export function parseEvalQuestions(text: string): EvalQuestion[] {
  const out: EvalQuestion[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new Error(`line ${i + 1}: not valid JSON`);
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) {
      throw new Error(`line ${i + 1}: expected {id, lang, question} with either "sources" and "answer_contains" or "abstain": true`);
    }
    const q = parsed.data;
    const context = q.context !== undefined ? { context: q.context } : {};
    if (seen.has(q.id)) throw new Error(`line ${i + 1}: duplicate id "${q.id}"`);
    seen.add(q.id);
    out.push('sources' in q
      ? { id: q.id, lang: q.lang, question: q.question, ...context, sources: q.sources, answerContains: q.answer_contains, abstain: false }
      : { id: q.id, lang: q.lang, question: q.question, ...context, sources: [], answerContains: [], abstain: true });
  });
  if (out.length === 0) throw new Error('no questions');
  return out;
}

/**
 * One half of a question set: the odd (a) or even (b) questions in file order. Tuning on one
 * half and checking the other shows a setting that only fits a few questions. Pure.
 * @example halfOf([q1, q2, q3], 'a') // [q1, q3]
 */
export function halfOf<T>(questions: readonly T[], half: 'a' | 'b'): T[] {
  return questions.filter((_, i) => (i % 2 === 0) === (half === 'a'));
}
