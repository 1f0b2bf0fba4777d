import type { APIEmbed } from 'discord.js';
import type { Messages } from '../i18n/index.js';
import type { QuestionCount, Stats } from '../store/store.js';
import { DISCORD_LIMITS as L } from './limits.js';
import { escapeMarkdown, truncateWords } from './text.js';

/** The moderators' view of the question log. Pure. */
export function renderStats(s: Stats, m: Messages, locale: string | null): APIEmbed {
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
    ],
  };
}
