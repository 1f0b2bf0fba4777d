import type { Range } from '../../engine/types.js';
import { escapeMarkdown } from './text.js';

/**
 * A passage as a Discord block quote with its best sentences in bold, within `max` characters.
 * When the passage is too long, the kept window starts a little before the first highlight,
 * both cuts fall on word boundaries and are marked with an ellipsis.
 *
 * `quotePassage('A. B est là. C.', [{ start: 3, end: 12 }], 100)` → `'> A. **B est là.** C.'`
 */
export function quotePassage(text: string, highlights: readonly Range[], max: number): string {
  const ranges = mergeRanges(highlights, text.length);
  let budget = max;
  // Escapes and quote markers lengthen the text unpredictably: shrink the window until it fits.
  for (let attempt = 0; attempt < 8 && budget > 0; attempt++) {
    const out = format(text, ranges, budget);
    if (out.length <= max) return out;
    budget -= out.length - max + 4;
  }
  return '> …'.slice(0, max);
}

function mergeRanges(ranges: readonly Range[], length: number): Range[] {
  const sorted = ranges
    .map((r) => ({ start: Math.max(0, Math.min(r.start, length)), end: Math.max(0, Math.min(r.end, length)) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const merged: Range[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

function window(text: string, ranges: Range[], budget: number): Range {
  if (text.length <= budget) return { start: 0, end: text.length };
  const anchor = ranges[0]?.start ?? 0;
  let start = Math.max(0, anchor - Math.floor(budget * 0.2));
  if (start > 0) {
    const space = text.slice(start, anchor + 1).search(/\s/);
    start = space === -1 ? start : start + space + 1;
  }
  let end = Math.min(text.length, start + budget);
  if (end < text.length) {
    const lastSpace = text.slice(start, end + 1).search(/\s\S*$/);
    if (lastSpace > budget / 2) end = start + lastSpace;
  }
  return { start, end };
}

function format(text: string, ranges: Range[], budget: number): string {
  const w = window(text, ranges, Math.max(1, budget - 6));
  let out = '';
  let at = w.start;
  for (const r of ranges) {
    const s = Math.max(r.start, w.start);
    const e = Math.min(r.end, w.end);
    if (e <= s) continue;
    out += escapeMarkdown(text.slice(at, s)) + bold(text.slice(s, e));
    at = e;
  }
  out += escapeMarkdown(text.slice(at, w.end));
  out = out.trim();
  if (w.start > 0) out = `…${out}`;
  if (w.end < text.length) out = `${out.replace(/[\s,;:]+$/, '')}…`;
  return out
    .split('\n')
    .map((line) => `> ${line}`.trimEnd())
    .join('\n');
}

/** Bold per line, with spaces kept outside the markers, so Discord renders it. */
function bold(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const m = /^(\s*)(.*?)(\s*)$/s.exec(line)!;
      return m[2] ? `${m[1]}**${escapeMarkdown(m[2])}**${m[3]}` : line;
    })
    .join('\n');
}
