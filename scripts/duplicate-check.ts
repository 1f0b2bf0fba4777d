/**
 * The /ingest duplicate check at N article files, side by side in one run: the whole-catalog read
 * (`readCatalog`, what every ingest ran before the catalog index; warm corpus cache) against the
 * catalog index (`catalogMatches`: its first fill, then one check), each with the longest
 * event-loop stall on this thread while it runs.
 *
 *   npx tsx scripts/duplicate-check.ts OUT.json DIR N   (DIR: scratch folder, corpus written once; env ROUNDS=5,
 *   COLD=0 to skip the cold whole read, WRITE_ONLY=1 to write the corpus and stop)
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { serializeArticleFile } from '../src/engine/corpus/article-file.js';
import { textHash, urlKey } from '../src/engine/corpus/article-identity.js';
import { corpusCachePath, openCorpusCache } from '../src/engine/corpus/corpus-cache.js';
import { catalogMatches, readCatalog } from '../src/engine/ingest/corpus-catalog.js';

const [out, dir, count] = process.argv.slice(2);
if (!out || !dir || !count) throw new Error('usage: duplicate-check.ts OUT.json DIR N');
const n = Number(count);
const rounds = Number(process.env.ROUNDS ?? 5);
const corpusDir = path.join(dir, `corpus-${n}`);
const indexDir = path.join(dir, `index-${n}`);
const body = (i: number) => `Dépêche numéro ${i} : le conseil municipal a voté le budget ${i % 97} après un long débat sur la taxe foncière.\n`;
if (!existsSync(corpusDir)) {
  mkdirSync(corpusDir, { recursive: true });
  for (let i = 0; i < n; i++) {
    writeFileSync(path.join(corpusDir, `depeche-${i}.md`), serializeArticleFile({ title: `Dépêche ${i}`, publisher: 'La Gazette', url: `https://gazette.example/${i}`, date: '2025-01-01', language: 'fr' }, body(i)));
  }
}
if (process.env.WRITE_ONLY) process.exit(0);
rmSync(indexDir, { recursive: true, force: true });
mkdirSync(indexDir, { recursive: true });
// Files older than the cache's 2 s settle rule, as in a real coverage.
await new Promise((r) => setTimeout(r, 2100));

const measure = async <T>(fn: () => Promise<T>): Promise<{ ms: number; stallMs: number; value: T }> => {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t = performance.now();
  const value = await fn();
  const ms = performance.now() - t;
  h.disable();
  return { ms, stallMs: h.max / 1e6, value };
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cache = openCorpusCache(corpusCachePath(indexDir));
const dup = { hash: textHash(body(n >> 1)), keys: [urlKey(`https://gazette.example/${n >> 1}`)!] };
const fresh = { hash: textHash('Un article que la couverture ne contient pas encore.'), keys: [urlKey('https://ailleurs.example/nouveau')!] };

// The cold read fills the corpus cache (every file read once); without it, the fill's worker reads the files instead.
const coldScan = process.env.COLD === '0' ? null : await measure(() => readCatalog(corpusDir, cache));
const scans: { ms: number; stallMs: number }[] = [];
for (let r = 0; r < Math.min(rounds, 3); r++) scans.push(await measure(() => readCatalog(corpusDir, cache)));
const fill = await measure(() => catalogMatches(corpusDir, dup.hash, dup.keys, cache));
const checks: { ms: number; stallMs: number; found: number }[] = [];
for (let r = 0; r < rounds; r++) {
  for (const probe of [dup, fresh]) {
    const m = await measure(() => catalogMatches(corpusDir, probe.hash, probe.keys, cache));
    checks.push({ ms: m.ms, stallMs: m.stallMs, found: m.value.length });
  }
}
if (fill.value.length !== 1 || checks.filter((c) => c.found === 1).length !== rounds) throw new Error('the check did not find the duplicate');
const row = {
  files: n,
  scanColdMs: coldScan?.ms ?? -1,
  scanWarmMs: median(scans.map((s) => s.ms)),
  scanWarmStallMs: median(scans.map((s) => s.stallMs)),
  firstFillMs: fill.ms,
  firstFillStallMs: fill.stallMs,
  checkMs: median(checks.map((c) => c.ms)),
  checkStallMs: Math.max(...checks.map((c) => c.stallMs)),
  load: loadavg()[0]!,
};
cache.close();
console.log(`| ${Object.keys(row).join(' | ')} |\n|${Object.keys(row).map(() => '---').join('|')}|\n| ${Object.values(row).map((v) => (Number.isInteger(v) ? String(v) : v.toFixed(2))).join(' | ')} |`);
writeFileSync(out, JSON.stringify(row, null, 2));
