/**
 * What adding one article's vectors costs a reader, at each size side by side in one run: the
 * HNSW insert (hnswlib addPoint into the loaded checkpoint, as readers did before fresh-vectors)
 * against the fresh set (an exact scan beside the graph, moved into it after the ingest), and
 * what the fresh set then adds to a question's vector search. Reads the kept stores' checkpoints.
 *
 *   npx tsx scripts/vector-insert.ts OUT.json DIR [DIR…]   (DIR: a store folder with index/gen-…/vectors-N.hnsw; env ROUNDS=10, PER=5)
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { withFreshVectors } from '../src/engine/index/local/fresh-vectors.js';
import { DEFAULT_HNSW, readVectorIndex } from '../src/engine/index/vector-index.js';

const [out, ...dirs] = process.argv.slice(2);
if (!out || dirs.length === 0) throw new Error('usage: vector-insert.ts OUT.json DIR [DIR…]');
const rounds = Number(process.env.ROUNDS ?? 10);
const per = Number(process.env.PER ?? 5);
const dim = 384;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let seed = 7;
const random = () => Float32Array.from({ length: dim }, () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
const time = (fn: () => void) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

const rows: Record<string, number | string>[] = [];
for (const dir of dirs) {
  const index = path.join(dir, 'index');
  const gen = readdirSync(index).find((n) => n.startsWith('gen-'))!;
  const file = readdirSync(path.join(index, gen)).find((n) => n.startsWith('vectors-') && n.endsWith('.hnsw'))!;
  const t0 = performance.now();
  const graph = await readVectorIndex(path.join(index, gen, file), dim, DEFAULT_HNSW);
  const loadS = (performance.now() - t0) / 1000;
  // Labels right above the checkpoint's, as the writer hands them out.
  let base = 0;
  for (const l of graph.labels()) if (l >= base) base = l + 1;
  const queries = Array.from({ length: 20 }, random);
  const searchBefore = queries.map((q) => time(() => graph.search(q, 10)));
  // The same vectors both ways, removed after each round (as the bench's ingest then removal).
  const hnsw: number[] = [];
  const fresh: number[] = [];
  const searchWithFresh: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const vs = Array.from({ length: per }, random);
    const labels = vs.map((_, i) => base + r * 100 + i);
    hnsw.push(time(() => graph.add(vs, labels)));
    graph.remove(labels);
    const wrapped = withFreshVectors(graph);
    const freshLabels = labels.map((l) => l + 50);
    fresh.push(time(() => wrapped.add(vs, freshLabels)));
    searchWithFresh.push(...queries.map((q) => time(() => wrapped.search(q, 10))));
    wrapped.remove(freshLabels);
  }
  const row = {
    dir: path.basename(dir),
    vectors: graph.size,
    loadS,
    [`hnswAdd${per}Ms`]: median(hnsw),
    [`freshAdd${per}Ms`]: median(fresh),
    searchMs: median(searchBefore),
    searchWithFreshMs: median(searchWithFresh),
    load: loadavg()[0]!,
  };
  rows.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n  hnsw add ms: ${hnsw.map((x) => x.toFixed(1)).join(' ')}\n`);
}
const cols = Object.keys(rows[0]!);
console.log(`| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${cols.map((c) => (typeof r[c] === 'number' ? (r[c] as number).toFixed(c === 'vectors' ? 0 : 3) : r[c])).join(' | ')} |`);
writeFileSync(out, JSON.stringify(rows, null, 2));
