import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../src/engine/engine.js';
import { createStore } from '../src/engine/index/create-store.js';
import { REBUILD_FILE } from '../src/engine/index/local/local-store.js';
import { liveVectorBuilders } from '../src/engine/index/local/vector-builder.js';
import { article, META } from './store-contract.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

/**
 * A rebuild fills a fresh space beside the live one. When it fails before publishing, the space
 * gives back what it holds in this process — the vector builder's worker (a whole HNSW graph)
 * and its database handle — while the live index keeps answering, and the next rebuild resumes
 * from what was committed.
 */
let scratch: Scratch | null = null;
afterEach(() => {
  scratch?.cleanup();
  scratch = null;
});

/** Files this process holds open under `dir` (Linux: /proc/self/fd). */
function openFilesUnder(dir: string): string[] {
  const open: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) open.push(target);
    } catch {
      // Closed since it was listed.
    }
  }
  return open;
}

const rebuildDir = (indexDir: string) => join(indexDir, (JSON.parse(readFileSync(join(indexDir, REBUILD_FILE), 'utf8')) as { generation: string }).generation);

/** Paragraphs enough for several commit batches (64 passages each). */
function addArticles(s: Scratch, count: number): void {
  for (let i = 0; i < count; i++) {
    const paragraphs = Array.from({ length: 6 }, (_, p) => `Le rapport ${i} détaille au paragraphe ${p} les travaux du port numéro ${i * 7 + p}, leur budget de ${i + p} millions d’euros et le calendrier du chantier prévu par la région pour les années suivantes.`);
    s.writeArticle(`zz_rapport_${String(i).padStart(2, '0')}`, { title: `Rapport ${i} sur le port` }, paragraphs.join('\n\n'));
  }
}

describe('a rebuild that fails before publishing', () => {
  it('closes its vector builder and database handle, and the space resumes in the next rebuild', async () => {
    scratch = makeScratch();
    const store = createStore({ backend: 'local', indexDir: scratch.indexDir });
    try {
      await store.commit({ meta: META, upsert: [article('solaire', 'Centrale solaire', ['La centrale Noor de Ouarzazate.'])] });
      // Counted from here: another test file run earlier in this process may have left builders.
      const buildersBefore = liveVectorBuilders();
      await store.withWriteLock(async () => {
        const space = await store.rebuild(META);
        await space.commit({ upsert: [article('puces', 'Puces', ['Une usine de puces à Dresde.'], { axis: 3 })] });
        expect(liveVectorBuilders()).toBe(buildersBefore + 1);
        const dir = rebuildDir(scratch!.indexDir);
        expect(openFilesUnder(dir)).not.toEqual([]);
        await space.abandon();
        await space.abandon();
        expect(liveVectorBuilders()).toBe(buildersBefore);
        expect(openFilesUnder(dir)).toEqual([]);
        await expect(space.commit({ upsert: [article('x', 'X', ['x'])] })).rejects.toThrow(/abandoned/);
      });
      // The live state never moved; the next rebuild of the same settings starts from what was committed.
      expect([...(await store.reader().refresh()).sources.keys()]).toEqual(['solaire']);
      await store.withWriteLock(async () => {
        const resumed = await store.rebuild(META);
        expect([...(await resumed.articles()).keys()]).toEqual(['puces']);
        await resumed.abandon();
      });
    } finally {
      await store.close();
    }
  });

  it('through the engine: the failure leaves no builder nor handle, the previous index answers, and the next rebuild embeds only the rest', async () => {
    scratch = makeScratch({ seed: true });
    addArticles(scratch, 30);
    const engine = await createEngine(scratch.config());
    try {
      await engine.reindex();
      const question = 'Quel budget pour les travaux du port numéro 84 ?';
      const before = await engine.ask(question);
      expect(before.passages[0]?.source.id).toBe('zz_rapport_12');

      let total = 0;
      let buildersAtFailure = -1;
      const buildersBefore = liveVectorBuilders();
      // The CLI's progress line going to a closed terminal, say: the build stops there.
      const failing = engine.reindex(
        (p) => {
          if (p.phase !== 'embed' || p.done <= 64) return;
          total = p.total;
          buildersAtFailure = liveVectorBuilders();
          throw new Error('the terminal went away');
        },
        { rebuild: true },
      );
      await expect(failing).rejects.toThrow('the terminal went away');
      expect(buildersAtFailure).toBe(buildersBefore + 1);
      expect(liveVectorBuilders()).toBe(buildersBefore);
      expect(openFilesUnder(rebuildDir(scratch.indexDir))).toEqual([]);
      expect((await engine.ask(question)).passages[0]?.source.id).toBe('zz_rapport_12');

      let embedded = 0;
      const report = await engine.reindex((p) => (embedded = p.phase === 'embed' ? p.total : embedded), { rebuild: true });
      expect(total).toBeGreaterThan(64);
      // The first batch was committed before the failure: the resumed rebuild leaves it as it is.
      expect(embedded).toBeLessThan(total);
      expect(embedded).toBeGreaterThan(0);
      expect(report.chunks).toBe(total);
      expect((await engine.ask(question)).passages[0]?.source.id).toBe('zz_rapport_12');
    } finally {
      await engine.dispose();
    }
  });
});
