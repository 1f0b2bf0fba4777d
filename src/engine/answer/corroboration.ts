import type { AnswerKind } from '../text/answer-kind.js';
import { findQuantities } from './quantities.js';

/** A sentence on the question's topic, from one article. */
export interface TopicSentence {
  articleId: string;
  text: string;
}

/**
 * The answers of a kind a sentence states, as comparable keys: for an amount or count, its
 * figures with their unit ("100 milliards de dollars" → "100 billions"). Other kinds give
 * none (a name or a date recurs across articles for reasons other than answering).
 */
export function answerValues(text: string, kind: AnswerKind): string[] {
  if (kind !== 'figure') return [];
  return findQuantities(text).map((q) => `${q.value} ${q.unit}`);
}

/**
 * How many other articles state an answer this sentence states, among the sentences on the
 * question's topic: news coverage repeats the established figure ("100 milliards" in three
 * reports), while a passing figure ("1,5 milliard supplémentaires") stands alone. Pure.
 * @example corroboratedBy({ articleId: 'a', text: 'Il investit 100 milliards.' }, [{ articleId: 'b', text: 'Soit 100 milliards.' }], 'figure') // 1
 */
export function corroboratedBy(sentence: TopicSentence, onTopic: readonly TopicSentence[], kind: AnswerKind): number {
  const values = new Set(answerValues(sentence.text, kind));
  if (values.size === 0) return 0;
  const others = new Set<string>();
  for (const s of onTopic) {
    if (s.articleId === sentence.articleId || others.has(s.articleId)) continue;
    if (answerValues(s.text, kind).some((v) => values.has(v))) others.add(s.articleId);
  }
  return others.size;
}
