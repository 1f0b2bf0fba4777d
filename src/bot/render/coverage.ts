import type { APIEmbed } from 'discord.js';
import type { SourceMeta } from '../../engine/types.js';
import type { Messages } from '../i18n/index.js';
import { pageButtons, type ButtonRow } from './components.js';
import { DISCORD_LIMITS as L } from './limits.js';
import { escapeMarkdown, maskedLink, safeUrl, truncateWords } from './text.js';

/** Lists of articles (the coverage, an answer's sources) and one article's card. Pure. */

export const COVERAGE_PAGE_SIZE = 15;

/** One line per article: linked title, then publisher and date when the source states them. */
export function sourceListLine(s: SourceMeta): string {
  const known = [s.publisher, s.date].filter((x): x is string => Boolean(x)).map(escapeMarkdown);
  return `• ${maskedLink(truncateWords(s.title, 150), s.url)}${known.length ? ` — ${known.join(', ')}` : ''}`;
}

/** Lines joined within `max` characters; the lines that do not fit are counted in a last line. */
export function listWithin(lines: string[], max: number): string {
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const next = out ? `${out}\n${lines[i]}` : lines[i]!;
    const rest = `\n… +${lines.length - i - 1}`;
    if (next.length + (i < lines.length - 1 ? rest.length : 0) > max) return `${out}\n… +${lines.length - i}`.trim();
    out = next;
  }
  return out;
}

/** One page of the coverage; `sources` comes sorted by title (Engine.sources), so a page is a slice. */
export function renderCoverage(sources: readonly SourceMeta[], page: number, m: Messages): { embeds: APIEmbed[]; components: ButtonRow[] } {
  if (sources.length === 0) return { embeds: [{ description: m.noSources }], components: [] };
  const pages = Math.ceil(sources.length / COVERAGE_PAGE_SIZE);
  const current = Math.min(Math.max(1, page), pages);
  const slice = sources.slice((current - 1) * COVERAGE_PAGE_SIZE, current * COVERAGE_PAGE_SIZE);
  return {
    embeds: [
      {
        title: m.sourcesTitle(sources.length),
        description: listWithin(slice.map(sourceListLine), L.embedDescription),
        ...(pages > 1 ? { footer: { text: m.page(current, pages) } } : {}),
      },
    ],
    components: pageButtons(current, pages, m),
  };
}

export function renderAnswerSources(sources: SourceMeta[], m: Messages): APIEmbed {
  return { title: m.answerSourcesTitle, description: listWithin(sources.map(sourceListLine), L.embedDescription) || m.none };
}

/** Every metadata field of one article; unknown ones are shown as unknown, not filled in. */
export function renderSourceCard(s: SourceMeta, m: Messages): APIEmbed {
  const url = safeUrl(s.url);
  const field = (name: string, value: string | null) => ({
    name,
    value: value ? truncateWords(escapeMarkdown(value), L.fieldValue) : `*${m.unknown}*`,
    inline: true,
  });
  return {
    title: truncateWords(s.title, L.embedTitle),
    ...(url ? { url } : {}),
    fields: [
      field(m.publisher, s.publisher),
      field(m.author, s.author ?? null),
      field(m.date, s.date),
      field(m.language, s.language),
      { name: m.link, value: url ? truncateWords(url, L.fieldValue) : `*${m.unknown}*`, inline: false },
      { name: m.id, value: truncateWords(`\`${s.id.replace(/`/g, "'")}\``, L.fieldValue), inline: false },
    ],
  };
}
