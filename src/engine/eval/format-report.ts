import type { Summary } from './metrics.js';
import type { ModeRun } from './run-eval.js';

const num = (v: number | null, digits = 3) => (v === null ? '–' : v.toFixed(digits));
const ms = (v: number | null) => (v === null ? '–' : v < 10 ? v.toFixed(1) : v.toFixed(0));

const HEADER = '| questions | mode | n (ans/abst) | hit@1 | hit@3 | hit@5 | MRR | abst. P | abst. R | answerable abstained | p50 ms | p95 ms |';
const RULE = '|---|---|---|---|---|---|---|---|---|---|---|---|';

function row(scope: string, mode: string, s: Summary): string {
  return `| ${scope} | ${mode} | ${s.answerable}/${s.unanswerable} | ${num(s.hitAt1)} | ${num(s.hitAt3)} | ${num(s.hitAt5)} | ${num(s.mrr)} | ${num(s.abstentionPrecision, 2)} | ${num(s.abstentionRecall, 2)} | ${s.falseAbstentions} | ${ms(s.p50Ms)} | ${ms(s.p95Ms)} |`;
}

const modeLabel = (r: ModeRun) => (r.answeredWith && r.answeredWith !== r.mode ? `${r.mode} (→ ${r.answeredWith})` : r.mode);

/**
 * The figures as a Markdown table (readable in a terminal, pasteable into docs): one row per
 * language then overall, each with one row per mode, followed by notes on unavailable modes.
 */
export function formatReport(runs: ModeRun[]): string {
  const langs = [...new Set(runs.flatMap((r) => Object.keys(r.byLang)))].sort();
  const scopes = langs.length > 1 ? [...langs, 'overall'] : ['overall'];
  const lines = [HEADER, RULE];
  for (const scope of scopes) {
    for (const r of runs) {
      const s = scope === 'overall' ? r.overall : r.byLang[scope];
      if (!r.available) lines.push(`| ${scope} | ${r.mode} | unavailable | | | | | | | | | |`);
      else if (s) lines.push(row(scope, modeLabel(r), s));
    }
  }
  const notes = runs.filter((r) => r.note).map((r) => `- ${r.mode}: ${r.available ? '' : 'unavailable: '}${r.note}`);
  const errors = runs.flatMap((r) => r.outcomes.filter((o) => o.error).map((o) => `- ${r.mode} ${o.id}: ${o.error}`));
  return [...lines, ...(notes.length || errors.length ? ['', ...notes, ...errors] : [])].join('\n');
}
