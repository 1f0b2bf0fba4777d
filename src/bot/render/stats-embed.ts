import type { APIEmbed } from 'discord.js';
import type { LoopDelay } from '../health/loop-monitor.js';
import type { Messages } from '../i18n/index.js';
import type { QuestionCount, Stats } from '../store/store.js';
import { DISCORD_LIMITS as L } from './limits.js';
import { escapeMarkdown, truncateWords } from './text.js';

/** How the bot is coping right now: event-loop delay and the answer queue. */
export interface BotHealth {
  loop: LoopDelay | null;
  running: number;
  waiting: number;
  /** Operator warnings seen since start (English, as logged). */
  warnings?: string[];
}

/** The moderators' view of the question log, and of the bot's health when given. Pure. */
export function renderStats(s: Stats, m: Messages, locale: string | null, health?: BotHealth): APIEmbed {
  const share = s.questions === 0 ? '–' : new Intl.NumberFormat(locale ?? 'en', { style: 'percent' }).format(s.answered / s.questions);
  const list = (items: QuestionCount[]) =>
    truncateWords(items.map((q) => `${q.count}× ${escapeMarkdown(truncateWords(q.question, 150))}`).join('\n') || m.none, L.fieldValue);
  return {
    title: m.statsTitle,
    fields: [
      { name: m.statsQuestions, value: `${s.questions} — ${m.statsAnswered(s.answered, s.abstained, share)}` },
      { name: m.statsFeedback, value: m.statsVotes(s.up, s.down) },
      { name: m.statsMostAsked, value: list(s.mostAsked) },
      { name: m.statsUnanswered, value: list(s.unanswered) },
      ...(health ? [{ name: m.statsHealth, value: healthLine(health, m, locale) }] : []),
      ...(health?.warnings?.length
        ? [{ name: m.statsOperatorWarnings, value: truncateWords(health.warnings.map((w) => `⚠️ ${escapeMarkdown(w)}`).join('\n'), L.fieldValue) }]
        : []),
    ],
  };
}

function healthLine(h: BotHealth, m: Messages, locale: string | null): string {
  const number = new Intl.NumberFormat(locale ?? 'en', { maximumFractionDigits: 1 });
  const loop = h.loop ? m.statsLoop(number.format(h.loop.p99Ms), number.format(h.loop.maxMs), Math.round(h.loop.windowMs / 1000)) : m.statsLoopPending;
  return `${loop}\n${m.statsQueue(h.running, h.waiting)}`;
}
