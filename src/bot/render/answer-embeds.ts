import type { APIEmbed } from 'discord.js';
import type { Answer, Disagreement, SourceMeta } from '../../engine/types.js';
import type { Messages } from '../i18n/index.js';
import { DISCORD_LIMITS as L, embedLength } from './limits.js';
import { quotePassage } from './quote-passage.js';
import { escapeMarkdown, maskedLink, safeUrl, truncateWords } from './text.js';

/**
 * Renders an engine Answer as one Discord message: the direct answer on top (content),
 * one embed per passage (quote with the answering sentences in bold, source title linked,
 * publisher and date), a "sources disagree" embed, warnings in small print.
 * Pure: the same answer always gives the same message, within every Discord limit.
 */

export interface RenderedMessage {
  content: string;
  embeds: APIEmbed[];
}

const PASSAGE_COLOR = 0x2b6cb0;
const DISAGREE_COLOR = 0xd69e2e;
/** The disagreement embed may use at most this share of the 6000-char total. */
const DISAGREEMENT_BUDGET = 1500;
const FOOTER_MAX = 200;

export function renderAnswer(answer: Answer, m: Messages): RenderedMessage {
  // answer.warnings are the operator's (model unavailable…): logged and shown in /stats, never to members.
  if (answer.abstained || answer.passages.length === 0) {
    return { content: fitContent(abstention(answer.suggestions, m)), embeds: [] };
  }

  const direct = answer.directAnswer;
  const head = direct ? [`**${m.answerLabel}** ${escapeMarkdown(direct.text)}`] : [];
  const embeds: APIEmbed[] = [];
  const disagreement = answer.disagreements.length > 0 ? disagreementEmbed(answer.disagreements, m) : null;
  const passages = answer.passages.slice(0, L.embeds - (disagreement ? 1 : 0));

  for (const p of passages) {
    const footer = sourceLine(p.source);
    embeds.push({
      title: truncateWords(p.source.title, L.embedTitle),
      ...(safeUrl(p.link ?? p.source.url) ? { url: safeUrl(p.link ?? p.source.url)! } : {}),
      description: '',
      ...(footer ? { footer: { text: truncateWords(footer, FOOTER_MAX) } } : {}),
      color: PASSAGE_COLOR,
    });
  }
  // Share what is left of the 6000-char total between the quotes.
  const fixed = embeds.reduce((n, e) => n + embedLength(e), 0) + (disagreement ? embedLength(disagreement) : 0);
  const perQuote = Math.min(L.embedDescription, Math.floor((L.embedsTotal - fixed) / Math.max(1, passages.length)));
  passages.forEach((p, i) => {
    embeds[i]!.description = quotePassage(p.text, p.highlights, perQuote);
  });
  if (disagreement) embeds.push(disagreement);
  return { content: fitContent(head), embeds };
}

/** "Author · Publisher · date": only what the source states; unknown parts are left out, never guessed. */
export function sourceLine(source: SourceMeta): string {
  return [source.author, source.publisher, source.date].filter((x): x is string => Boolean(x)).join(' · ');
}

function abstention(suggestions: SourceMeta[], m: Messages): string[] {
  if (suggestions.length === 0) return [m.abstain];
  const lines = suggestions.map((s) => {
    const publisher = s.publisher ? ` — ${escapeMarkdown(s.publisher)}` : '';
    return `• ${maskedLink(truncateWords(s.title, 200), s.url)}${publisher}`;
  });
  return [m.abstain, m.youMayLookAt, ...lines];
}

function disagreementEmbed(disagreements: Disagreement[], m: Messages): APIEmbed {
  const fields: { name: string; value: string }[] = [];
  let used = m.sourcesDisagree.length;
  for (const d of disagreements.slice(0, L.fields)) {
    const name = truncateWords(escapeMarkdown(d.topic), L.fieldName);
    const lines = d.claims.map((c) => {
      const who = [c.source.publisher, c.source.date].filter(Boolean).join(', ');
      return `• **${escapeMarkdown(c.value)}** — ${escapeMarkdown(c.source.title)}${who ? ` (${escapeMarkdown(who)})` : ''}`;
    });
    const room = Math.min(L.fieldValue, DISAGREEMENT_BUDGET - used - name.length);
    if (room < 40) break;
    const value = fitLines(lines, room);
    fields.push({ name, value });
    used += name.length + value.length;
  }
  return { title: m.sourcesDisagree, fields, color: DISAGREE_COLOR };
}

/** Whole lines while they fit, the next one cut on a word boundary. */
function fitLines(lines: string[], max: number): string {
  let out = '';
  for (const line of lines) {
    const next = out ? `${out}\n${line}` : line;
    if (next.length <= max) {
      out = next;
      continue;
    }
    const room = max - out.length - (out ? 1 : 0);
    if (room > 20) out = out ? `${out}\n${truncateWords(line, room)}` : truncateWords(line, room);
    break;
  }
  return out || '…';
}

/** Head lines cut to fit Discord's 2000 chars. */
function fitContent(head: string[]): string {
  return head.length > 0 ? fitLines(head, L.content).slice(0, L.content) : '';
}
