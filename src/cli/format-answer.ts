import type { Answer, Passage, SourceMeta } from '../engine/types.js';
import { terminalText as safe } from './terminal-text.js';
import { wrapParagraph } from './wrap.js';

export interface Style {
  bold: (s: string) => string;
  dim: (s: string) => string;
}

export const ANSI: Style = { bold: (s) => `\u001b[1m${s}\u001b[22m`, dim: (s) => `\u001b[2m${s}\u001b[22m` };
export const PLAIN: Style = { bold: (s) => `**${s}**`, dim: (s) => s };

/** "Title — Author, Publisher, 2024-12": only what is known, safe to print. */
export function citation(s: SourceMeta): string {
  const rest = [s.author, s.publisher, s.date].filter(Boolean).join(', ');
  return safe(rest ? `${s.title} — ${rest}` : s.title);
}

function emphasize(p: Passage, style: Style): string {
  let out = '';
  let at = 0;
  for (const h of p.highlights) {
    out += safe(p.text.slice(at, h.start)) + style.bold(safe(p.text.slice(h.start, h.end)));
    at = h.end;
  }
  return out + safe(p.text.slice(at));
}

/**
 * Human-readable answer for the terminal. Pure. With `width` (a terminal's columns), lines are
 * wrapped to it with hanging indents, so a passage stays one indented block.
 */
export function formatAnswer(answer: Answer, style: Style = PLAIN, width?: number): string {
  const paragraphs = layout(answer, style);
  const lines = width && width >= MIN_WIDTH
    ? paragraphs.map(([first, rest, text]) => wrapParagraph(text, width, first, rest))
    : paragraphs.map(([first, , text]) => first + text);
  return lines.join('\n').trimEnd();
}

/** Narrower than this, wrapping would hurt more than help. */
const MIN_WIDTH = 30;

/** The answer as paragraphs: [first-line prefix, continuation prefix, text]. */
type Paragraph = [string, string, string];

function layout(answer: Answer, style: Style): Paragraph[] {
  const out: Paragraph[] = [];
  const lines = {
    push(...texts: string[]) {
      for (const t of texts) {
        // A passage's own line breaks start new paragraphs with the passage's indent.
        const indent = /^( *(?:- |\[\d+\] |→ |! )?)/.exec(t)![1]!;
        const hang = ' '.repeat(indent.length);
        for (const [i, part] of t.slice(indent.length).split('\n').entries()) out.push([i === 0 ? indent : hang, hang, part]);
      }
    },
  };
  for (const w of answer.warnings) lines.push(style.dim(`! ${safe(w)}`));
  if (answer.abstained) {
    lines.push('The coverage does not answer this question.');
    if (answer.suggestions.length) {
      lines.push('You may look at:');
      for (const s of answer.suggestions) lines.push(`  - ${citation(s)}${s.url ? ` <${safe(s.url)}>` : ''}`);
    }
    return out;
  }
  if (answer.directAnswer) lines.push(`→ ${style.bold(safe(answer.directAnswer.text))}`, `  ${style.dim(citation(answer.directAnswer.source))}`, '');
  for (const d of answer.disagreements) {
    lines.push(`Sources disagree about ${safe(d.topic)}:`);
    for (const c of d.claims) lines.push(`  - "${safe(c.value)}" — ${citation(c.source)}`);
    lines.push('');
  }
  answer.passages.forEach((p, i) => {
    lines.push(`[${i + 1}] ${citation(p.source)}`);
    lines.push(`    ${emphasize(p, style).replace(/\n/g, '\n    ')}`);
    if (p.link) lines.push(`    ${style.dim(safe(p.link))}`);
    lines.push('');
  });
  return out;
}
