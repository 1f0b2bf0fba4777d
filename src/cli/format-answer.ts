import type { Answer, Passage, SourceMeta } from '../engine/types.js';
import { terminalText as safe } from './terminal-text.js';

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

/** Human-readable answer for the terminal. Pure. */
export function formatAnswer(answer: Answer, style: Style = PLAIN): string {
  const lines: string[] = [];
  for (const w of answer.warnings) lines.push(style.dim(`! ${safe(w)}`));
  if (answer.abstained) {
    lines.push('The coverage does not answer this question.');
    if (answer.suggestions.length) {
      lines.push('You may look at:');
      for (const s of answer.suggestions) lines.push(`  - ${citation(s)}${s.url ? ` <${safe(s.url)}>` : ''}`);
    }
    return lines.join('\n');
  }
  if (answer.directAnswer) lines.push(`→ ${style.bold(safe(answer.directAnswer.text))}`, `  ${style.dim(citation(answer.directAnswer.source))}`, '');
  for (const d of answer.disagreements) {
    lines.push(`Sources disagree about ${safe(d.topic)}:`);
    for (const c of d.claims) lines.push(`  - "${safe(c.value)}" — ${citation(c.source)}`);
    lines.push('');
  }
  answer.passages.forEach((p, i) => {
    lines.push(`[${i + 1}] ${citation(p.source)}`);
    lines.push(emphasize(p, style).replace(/^/gm, '    '));
    if (p.link) lines.push(`    ${style.dim(safe(p.link))}`);
    lines.push('');
  });
  return lines.join('\n').trimEnd();
}
