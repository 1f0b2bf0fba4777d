/** Tiny Markdown table helpers (pure). */

export function table(header: string[], rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => (v === null ? '–' : String(v));
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** Fixed decimals for display; null/NaN shows as a dash. */
export function fixed(value: number | null | undefined, decimals: number): string | null {
  if (value == null || !Number.isFinite(value)) return null;
  return value.toFixed(decimals);
}

/** "0.42× (target ≤ 0.5×) ✓" style ratio cell. */
export function ratioCell(value: number | null, target: number, better: 'lower' | 'higher'): string | null {
  if (value === null) return null;
  const ok = better === 'lower' ? value <= target : value >= target;
  return `${value.toFixed(2)}× (target ${better === 'lower' ? '≤' : '≥'} ${target}×) ${ok ? '✓' : '✗'}`;
}
