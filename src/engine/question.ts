import { createError } from './errors.js';

/** Longest question accepted: a paragraph, not a pasted article. */
export const MAX_QUESTION_CHARS = 1000;

/** Checks a question and returns it trimmed; throws BAD_QUESTION with the reason. */
export function validateQuestion(question: unknown): string {
  if (typeof question !== 'string') throw createError('BAD_QUESTION', 'not_text');
  const q = question.replace(/\s+/g, ' ').trim();
  if (!q) throw createError('BAD_QUESTION', 'empty');
  // Characters as people count them (code points), not UTF-16 units: an emoji is one.
  const length = [...q].length;
  if (length > MAX_QUESTION_CHARS) throw createError('BAD_QUESTION', 'too_long', length, MAX_QUESTION_CHARS);
  if (!/[\p{L}\p{N}]/u.test(q)) throw createError('BAD_QUESTION', 'no_words');
  return q;
}
