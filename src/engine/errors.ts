/** Why a question is refused, by key, so adapters can say it in the asker's language. */
export const QUESTION_PROBLEMS = {
  not_text: () => 'it must be text',
  empty: () => 'it is empty',
  too_long: (length: number, limit: number) => `it is ${length} characters long, the limit is ${limit}`,
  no_words: () => 'it has no words',
} as const;

export type QuestionProblem = keyof typeof QUESTION_PROBLEMS;

/**
 * Every error the engine means to show to a person, by code. Messages are one line and
 * safe to display (no secrets, no stack); adapters print them as they are.
 */
export const ERROR_MESSAGES = {
  BAD_QUESTION: (reason: QuestionProblem, length = 0, limit = 0) => `Question refused: ${QUESTION_PROBLEMS[reason](length, limit)}.`,
  INDEX_MISSING: (dir: string) => `No index in ${dir}. Run "npm run index" to build it.`,
  INDEX_CORRUPT: (why: string) => `The index is unreadable (${why}). Run "npm run index -- --rebuild" to rebuild it.`,
  // A plain update rebuilds whatever is stale, and keeps the vectors of passages whose text and model did not change.
  INDEX_STALE: (why: string) => `The index was built with a different configuration (${why}). Run "npm run index" to rebuild it.`,
  INDEX_BUSY: (dir: string) => `Another process is updating the index in ${dir}; try again when it is done.`,
  CORPUS_MISSING: (dir: string) => `Corpus folder ${dir} does not exist. Set CORPUS_DIR to a folder of articles.`,
  CORPUS_EMPTY: (dir: string) => `No usable article in ${dir}.`,
  MODEL_REQUIRED: (why: string) => `Dense search needs the embedding model, which could not be loaded: ${why}`,
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export class EngineError extends Error {
  readonly code: ErrorCode;
  /** The message's arguments (e.g. a QuestionProblem and its figures), for adapters that translate. */
  readonly params: readonly unknown[];
  constructor(code: ErrorCode, message: string, params: readonly unknown[] = []) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.params = params;
  }
}

/** `createError('INDEX_MISSING', dir)`: an EngineError with the mapped message. */
export function createError<C extends ErrorCode>(code: C, ...args: Parameters<(typeof ERROR_MESSAGES)[C]>): EngineError {
  const template = ERROR_MESSAGES[code] as (...a: unknown[]) => string;
  return new EngineError(code, template(...args), args);
}
