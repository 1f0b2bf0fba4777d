import type { SourceMeta } from '../types.js';

const titles = new Intl.Collator('fr');
const byTitle = (a: SourceMeta, b: SourceMeta) => titles.compare(a.title, b.title) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The coverage's articles sorted by title (French collation), brought level with `current` from
 * the list sorted for an earlier state: the articles kept (the same objects) stay in place, the
 * new ones are sorted alone and merged in. A change of a few articles then costs a pass over the
 * list, not a sort of it (sorting 200 000 titles takes about a second).
 */
export function sortSources(current: ReadonlyMap<string, SourceMeta>, previous: readonly SourceMeta[] = []): readonly SourceMeta[] {
  const kept = previous.filter((s) => current.get(s.id) === s);
  const keptSet = new Set(kept);
  const added: SourceMeta[] = [];
  for (const s of current.values()) if (!keptSet.has(s)) added.push(s);
  added.sort(byTitle);
  if (kept.length === 0) return Object.freeze(added);
  // Each new article's place by binary search: a few comparisons each, not one per kept article.
  const merged: SourceMeta[] = [];
  let from = 0;
  for (const s of added) {
    let lo = from;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byTitle(kept[mid]!, s) <= 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = from; i < lo; i++) merged.push(kept[i]!);
    merged.push(s);
    from = lo;
  }
  for (let i = from; i < kept.length; i++) merged.push(kept[i]!);
  return Object.freeze(merged);
}
