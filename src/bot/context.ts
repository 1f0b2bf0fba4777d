import type { IngestService } from '../engine/ingest/index.js';
import type { Engine } from '../engine/types.js';
import type { BotConfig } from './config.js';
import type { Translate } from './i18n/index.js';
import type { LoopMonitor } from './health/loop-monitor.js';
import type { AnswerQueue } from './limits/answer-queue.js';
import type { RateLimiter } from './limits/rate-limiter.js';
import type { TurnPacer } from './limits/turn-pacer.js';
import type { Logger } from './logger.js';
import type { OperatorWarnings } from './operator-warnings.js';
import type { Store } from './store/store.js';

/** Everything a handler needs, passed in explicitly: the bot has no module-level state. */
export interface BotContext {
  engine: Engine;
  /** Adds and removes articles of the live coverage (/ingest, /remove); one per bot. */
  ingest: IngestService;
  store: Store;
  config: Readonly<BotConfig>;
  t: Translate;
  logger: Logger;
  limiter: RateLimiter;
  queue: AnswerQueue;
  /** Starts interaction handlers a slice per event-loop turn, so a burst never holds the loop. */
  pacer: TurnPacer;
  /** Event-loop delay of this process, for logs and /stats. */
  loop: LoopMonitor;
  /** Warnings for the operator (log + /stats), kept out of members' answers. */
  warnings: OperatorWarnings;
  state: {
    /** Set on SIGINT/SIGTERM: new questions are declined, running ones finish. */
    shuttingDown: boolean;
    reindexing: boolean;
  };
}
