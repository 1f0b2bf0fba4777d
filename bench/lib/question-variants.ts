/**
 * Distinct wordings of one question for pass `r`, so repeated passes time real work and not
 * Dépêche's query-embedding cache (the peer has none). Pass 0 is the question itself.
 */
export function questionVariant(question: string, lang: 'fr' | 'en', pass: number): string {
  switch (pass) {
    case 0:
      return question;
    case 1:
      return question.toLowerCase();
    case 2:
      return lang === 'fr' ? `Dites-moi : ${question}` : `Tell me: ${question}`;
    case 3:
      return lang === 'fr' ? `Selon la presse, ${question.charAt(0).toLowerCase()}${question.slice(1)}` : `According to the press, ${question.charAt(0).toLowerCase()}${question.slice(1)}`;
    default:
      return `${question} (${pass})`;
  }
}

/** The timed question list: every question in `repeat` distinct wordings. */
export function timedQuestions(questions: readonly { lang: 'fr' | 'en'; question: string }[], repeat: number): string[] {
  return Array.from({ length: repeat }, (_, r) => questions.map((q) => questionVariant(q.question, q.lang, r))).flat();
}

/** Warm-up questions, not part of the timed set (loads the model, fills JIT and caches). */
export const WARMUP_QUESTIONS = [
  'Qui dirige SoftBank ?',
  'What does Nvidia sell?',
  'Quel rôle joue Oracle ?',
];
