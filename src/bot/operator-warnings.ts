import type { Logger } from './logger.js';

/**
 * Warnings meant for whoever runs the bot (model unavailable, index without vectors…): the
 * engine puts them on answers for the CLI, but a member cannot act on them. The bot logs each
 * distinct one once at warn level and keeps them for moderators' /stats.
 */
export interface OperatorWarnings {
  /** Records a warning; logs it the first time it is seen. */
  note(warning: string, from: string): void;
  /** Distinct warnings seen since start, oldest first. */
  list(): string[];
}

/** At most this many distinct warnings are kept (and logged): the first ones say what is wrong. */
const KEPT = 20;

export function createOperatorWarnings(logger: Logger): OperatorWarnings {
  const seen = new Set<string>();
  return {
    note(warning, from) {
      if (seen.has(warning) || seen.size >= KEPT) return;
      seen.add(warning);
      logger.warn({ warning, from }, 'operator warning');
    },
    list: () => [...seen],
  };
}
