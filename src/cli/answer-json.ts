import type { Answer } from '../engine/types.js';

/**
 * The `--json` contract, one object per question (stable: add fields, never rename):
 * `{ id?, question, abstained, passages: [{ text, score, source: { id, title, publisher, author, url, date }, link, highlights }],
 *    directAnswer, disagreements, suggestions, warnings, mode }`.
 */
export function answerToJson(answer: Answer, id?: unknown) {
  const source = (s: Answer['passages'][number]['source']) => ({
    id: s.id,
    title: s.title,
    publisher: s.publisher,
    author: s.author ?? null,
    url: s.url,
    date: s.date,
  });
  return {
    ...(id !== undefined ? { id } : {}),
    question: answer.question,
    abstained: answer.abstained,
    passages: answer.passages.map((p) => ({
      text: p.text,
      score: Number(p.score.toFixed(6)),
      source: source(p.source),
      link: p.link,
      highlights: p.highlights,
    })),
    directAnswer: answer.directAnswer ? { text: answer.directAnswer.text, source: source(answer.directAnswer.source), link: answer.directAnswer.link } : null,
    disagreements: answer.disagreements.map((d) => ({
      topic: d.topic,
      claims: d.claims.map((c) => ({ value: c.value, sentence: c.sentence, source: source(c.source) })),
    })),
    suggestions: answer.suggestions.map(source),
    warnings: answer.warnings,
    mode: answer.mode,
  };
}
