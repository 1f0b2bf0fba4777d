import type { Summary } from './metrics.js';
import type { ModeRun } from './run-eval.js';

const num = (v: number | null, digits = 3) => (v === null ? '–' : v.toFixed(digits));
const ms = (v: number | null) => (v === null ? '–' : v < 10 ? v.toFixed(1) : v.toFixed(0));

const HEADER = '| questions | mode | n (ans/abst) | answer@1 | highlight@1 | hit@1 | hit@3 | hit@5 | MRR | abst. P | abst. R | answerable abstained | lines shown | right when shown | p50 ms | p95 ms |';
const RULE = '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';

function row(scope: string, mode: string, s: Summary): string {
  return `| ${scope} | ${mode} | ${s.answerable}/${s.unanswerable} | ${num(s.answerAt1)} | ${num(s.highlightAt1)} | ${num(s.hitAt1)} | ${num(s.hitAt3)} | ${num(s.hitAt5)} | ${num(s.mrr)} | ${num(s.abstentionPrecision, 2)} | ${num(s.abstentionRecall, 2)} | ${s.falseAbstentions} | ${s.linesShown} | ${num(s.rightWhenShown)} | ${ms(s.p50Ms)} | ${ms(s.p95Ms)} |`;
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
      if (!r.available) lines.push(`| ${scope} | ${r.mode} | unavailable | | | | | | | | | | | | | |`);
      else if (s) lines.push(row(scope, modeLabel(r), s));
    }
  }
  const notes = runs.filter((r) => r.note).map((r) => `- ${r.mode}: ${r.available ? '' : 'unavailable: '}${r.note}`);
  const errors = runs.flatMap((r) => r.outcomes.filter((o) => o.error).map((o) => `- ${r.mode} ${o.id}: ${o.error}`));
  return [...lines, ...(notes.length || errors.length ? ['', ...notes, ...errors] : [])].join('\n');
}

/**
 * One line per miss of each run, for reading what went wrong: answerable questions whose answer
 * line is not right (with the line given, or why there is none) and unanswerable ones answered.
 * @example formatMisses(runs, questions) // "lexical d03 [fr] Qui finance … → «La fondation…» (first hit at 2)"
 */
export function formatMisses(runs: ModeRun[], questions: { id: string; question: string }[]): string {
  const text = new Map(questions.map((q) => [q.id, q.question]));
  const lines: string[] = [];
  for (const r of runs) {
    for (const o of r.outcomes) {
      const head = `${r.mode} ${o.id} [${o.lang}] ${text.get(o.id) ?? ''}`;
      if (o.error) lines.push(`${head} → error: ${o.error}`);
      else if (o.expectAbstain && !o.abstained) lines.push(`${head} → answered, should abstain: «${o.answerText ?? ''}»`);
      else if (!o.expectAbstain && o.abstained) lines.push(`${head} → abstained`);
      else if (!o.expectAbstain && o.answerRight !== true) {
        const line = o.answerText ? `«${o.answerText.replace(/\s+/g, ' ')}»` : 'no answer line';
        lines.push(`${head} → ${line} (first hit ${o.rank === null ? 'none' : `at ${o.rank}`})`);
      }
    }
  }
  return lines.length ? `Misses:\n${lines.join('\n')}` : 'Misses: none';
}
