import { EngineError } from '../errors.js';
import type { Answer, Engine, SearchMode } from '../types.js';
import { firstHitRank, isHit } from './hit-test.js';
import { summarizeByLanguage, type QuestionOutcome, type Summary } from './metrics.js';
import type { EvalQuestion } from './questions.js';

export interface EvalRunOptions {
  /** Search modes to run, each over every question (same engine, same chunks). */
  modes: SearchMode[];
  /** Passages asked for per question. */
  k: number;
  /** Called after each question, e.g. for a progress line. */
  onProgress?: (mode: SearchMode, done: number, total: number) => void;
}

export interface ModeRun {
  mode: SearchMode;
  /** False when this mode could not run at all (e.g. dense search without a model). */
  available: boolean;
  /** The mode the engine actually answered with (hybrid falls back to lexical without a model). */
  answeredWith: SearchMode | null;
  /** Why the mode is unavailable or fell back. */
  note: string | null;
  outcomes: QuestionOutcome[];
  overall: Summary | null;
  byLang: Record<string, Summary>;
}

/** Grades one answer against its question: passages, answer line and first highlight. Pure. */
export function gradeAnswer(q: EvalQuestion, answer: Answer, latencyMs: number): QuestionOutcome {
  const passages = answer.passages.map((p) => ({ sourceId: p.source.id, text: p.text }));
  const graded = !q.abstain && !answer.abstained;
  const direct = answer.directAnswer;
  const first = answer.passages[0];
  const highlighted = first ? first.highlights.map((h) => first.text.slice(h.start, h.end)).join(' ') : '';
  return {
    id: q.id,
    lang: q.lang,
    expectAbstain: q.abstain,
    abstained: answer.abstained,
    rank: graded ? firstHitRank(passages, q) : null,
    answerRight: graded ? direct !== null && isHit({ sourceId: direct.source.id, text: direct.text }, q) : null,
    highlightRight: graded ? first !== undefined && highlighted !== '' && isHit({ sourceId: first.source.id, text: highlighted }, q) : null,
    answerText: direct?.text ?? null,
    latencyMs,
  };
}

async function runMode(engine: Pick<Engine, 'ask'>, questions: EvalQuestion[], mode: SearchMode, options: EvalRunOptions): Promise<ModeRun> {
  const unavailable = (note: string): ModeRun => ({ mode, available: false, answeredWith: null, note, outcomes: [], overall: null, byLang: {} });
  // Warm-up: loads the index and the model once, so latencies are those of a running service.
  let warm: Answer;
  try {
    warm = await engine.ask(questions[0]!.question, { k: options.k, mode });
  } catch (err) {
    if (err instanceof EngineError && err.code === 'MODEL_REQUIRED') return unavailable(err.message);
    throw err;
  }
  const note = warm.mode !== mode ? (warm.warnings[0] ?? `answered with ${warm.mode} search`) : null;
  // A dense run that silently became lexical would report lexical figures as dense ones.
  if (mode === 'dense' && warm.mode !== 'dense') return unavailable(note ?? 'no vectors');

  const outcomes: QuestionOutcome[] = [];
  for (const q of questions) {
    const started = performance.now();
    try {
      const answer = await engine.ask(q.question, { k: options.k, mode, ...(q.context !== undefined ? { context: q.context } : {}) });
      outcomes.push(gradeAnswer(q, answer, performance.now() - started));
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      outcomes.push({ id: q.id, lang: q.lang, expectAbstain: q.abstain, abstained: false, rank: null, latencyMs: performance.now() - started, error: err.message });
    }
    options.onProgress?.(mode, outcomes.length, questions.length);
  }
  return { mode, available: true, answeredWith: warm.mode, note, outcomes, ...summarizeByLanguage(outcomes, options.k) };
}

/**
 * Runs every question through `engine.ask` (the code the CLI and the bot use) once per mode
 * and grades the answers: hit ranks, abstentions, latencies; figures overall and per language.
 * @example await runEvalQuestions(engine, questions, { modes: ['hybrid', 'lexical', 'dense'], k: 5 }) // [{ mode:'hybrid', overall:{ hitAt3: 0.9, … }, byLang:{ fr:…, en:… } }, …]
 */
export async function runEvalQuestions(engine: Pick<Engine, 'ask'>, questions: EvalQuestion[], options: EvalRunOptions): Promise<ModeRun[]> {
  if (questions.length === 0) throw new Error('no questions');
  const runs: ModeRun[] = [];
  for (const mode of options.modes) runs.push(await runMode(engine, questions, mode, options));
  return runs;
}
