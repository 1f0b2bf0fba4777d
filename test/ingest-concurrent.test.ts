import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticCorpus } from '../bench/lib/coverage.js';
import { createEngine } from '../src/engine/engine.js';
import { ingest } from '../src/engine/ingest/ingest.js';
import { createIngestService } from '../src/engine/ingest/ingest-service.js';
import type { Engine } from '../src/engine/types.js';
import { makeScratch, REPO_CORPUS, type Scratch } from './helpers/coverage.js';

// Real CLI processes (`ingest`) against one coverage of 1 000 generated articles, lexical mode
// (no model: the cost under test is the corpus and the index, not embedding).
const REPO = resolve(import.meta.dirname, '..');
const CLI = join(REPO, 'src/cli/main.ts');

/** Four articles no generated one resembles, each with the question only it answers. */
const ARTICLES = [
  {
    file: 'phare.md',
    text: '# Le phare de Kervalec rouvre ses portes\n\nLe phare de Kervalec, fermé depuis douze ans, rouvrira au public le 14 juillet, a annoncé la maire de la commune. Les visiteurs pourront gravir ses 213 marches et voir la lentille restaurée.\n',
    question: 'Combien de marches compte le phare de Kervalec ?',
  },
  {
    file: 'fromage.md',
    text: '# Une fromagerie de Trozmadec primée à Tours\n\nLa fromagerie coopérative de Trozmadec a reçu la médaille d’or du concours de Tours pour sa tomme au foin, affinée quatorze mois dans une ancienne cave à cidre.\n',
    question: 'Quelle médaille la fromagerie de Trozmadec a-t-elle reçue ?',
  },
  {
    file: 'tram.md',
    text: '# Le tramway de Plouzénou prolongé jusqu’au port\n\nLe conseil communautaire de Plouzénou a voté le prolongement du tramway jusqu’au port de pêche : 3,4 kilomètres et six stations nouvelles, pour une mise en service prévue en 2029.\n',
    question: 'De combien de kilomètres le tramway de Plouzénou sera-t-il prolongé ?',
  },
  {
    file: 'regate.md',
    text: '# La régate de Lannivec annulée par la tempête\n\nLa régate historique de Lannivec, qui devait réunir quarante voiliers anciens ce week-end, est annulée : la préfecture maritime a interdit la sortie des bateaux en raison de rafales à 110 km/h.\n',
    question: 'Pourquoi la régate de Lannivec a-t-elle été annulée ?',
  },
];

let scratch: Scratch;
let setupSeconds = 0;

beforeAll(async () => {
  scratch = makeScratch();
  await writeSyntheticCorpus(REPO_CORPUS, scratch.corpusDir, 1000);
  const started = performance.now();
  const setup = await createEngine(scratch.config({ mode: 'lexical' }));
  await setup.reindex();
  await setup.dispose();
  setupSeconds = (performance.now() - started) / 1000;
  for (const a of ARTICLES) writeFileSync(join(scratch.root, a.file), a.text);
}, 600_000);
afterAll(() => scratch?.cleanup());

/** One `npm run ingest -- <file>` as a real process (run from source); resolves when it exits. */
function ingestProcess(file: string): Promise<{ code: number | null; out: string; err: string; seconds: number }> {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CORPUS_DIR: scratch.corpusDir,
    INDEX_DIR: scratch.indexDir,
    SEARCH_MODE: 'lexical',
  };
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'ingest', file], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, out, err, seconds: (performance.now() - started) / 1000 }));
  });
}

describe('concurrent ingests on a coverage of 1 000 articles', () => {
  it('4 ingest processes started at once all land, and each article is answerable without another update', { timeout: 900_000 }, async () => {
    const started = performance.now();
    const runs = await Promise.all(ARTICLES.map((a) => ingestProcess(join(scratch.root, a.file))));
    const total = (performance.now() - started) / 1000;
    for (const run of runs) {
      // stderr carries progress only: queued notices and the embedding count, nothing else.
      expect(run.err.split('\n').filter((l) => l && !/^(Queued: |Embedding \d+ passages…$)/.test(l))).toEqual([]);
      expect(run.code).toBe(0);
      expect(run.out).toMatch(/^Added «.+» \(.+\) — 1 passage\.\n$/);
    }
    const queued = runs.filter((r) => r.err.includes('Queued: ')).length;
    console.log(
      `concurrent ingest: index of 1000 articles built in ${setupSeconds.toFixed(1)} s; 4 CLI ingests at once all landed in ${total.toFixed(1)} s ` +
        `(each ${runs.map((r) => r.seconds.toFixed(1)).join(' / ')} s; ${queued} queued behind another index update)`,
    );

    // A fresh reader, no reindex: what the four processes left is the index.
    const engine: Engine = await createEngine(scratch.config({ mode: 'lexical' }));
    try {
      const ids = runs.map((r) => /\(([^)]+)\) — /.exec(r.out)![1]!);
      expect(engine.sources()).toHaveLength(1004);
      for (const [i, a] of ARTICLES.entries()) {
        const answer = await engine.ask(a.question);
        expect(answer.abstained).toBe(false);
        expect(answer.passages[0]?.source.id).toBe(ids[i]);
      }
    } finally {
      await engine.dispose();
    }
  });
});

describe('an article in the corpus but not in the index', () => {
  it('is indexed by the next ingest of it, which reports it as already there', async () => {
    const seed = makeScratch({ seed: true });
    const engine = await createEngine(seed.config({ mode: 'lexical' }));
    try {
      await engine.reindex();
      const data = new TextEncoder().encode(ARTICLES[0]!.text);
      // What an ingest killed (or failed) after its corpus write leaves: the file, no index entry.
      const landed = await ingest({ file: { name: 'phare.md', data } }, { corpusDir: seed.corpusDir });
      expect(engine.source(landed.id)).toBeUndefined();

      const service = createIngestService(engine, { corpusDir: seed.corpusDir, indexDir: seed.indexDir });
      const retry = await service.ingest({ file: { name: 'phare.md', data } });
      expect(retry).toMatchObject({ status: 'duplicate', id: landed.id, passages: 1 });
      expect(retry.report?.embedded).toEqual([landed.id]);
      expect(engine.source(landed.id)?.title).toBe('Le phare de Kervalec rouvre ses portes');
      expect((await engine.ask(ARTICLES[0]!.question)).passages[0]?.source.id).toBe(landed.id);

      // Once indexed, a duplicate costs no index update.
      const again = await service.ingest({ file: { name: 'phare.md', data } });
      expect(again).toMatchObject({ status: 'duplicate', report: null });
    } finally {
      await engine.dispose();
      seed.cleanup();
    }
  });

  it('is indexed by `index`, like any corpus change', async () => {
    const seed = makeScratch({ seed: true });
    const engine = await createEngine(seed.config({ mode: 'lexical' }));
    try {
      await engine.reindex();
      const landed = await ingest({ file: { name: 'tram.md', data: new TextEncoder().encode(ARTICLES[2]!.text) } }, { corpusDir: seed.corpusDir });
      const report = await engine.reindex();
      expect(report.embedded).toEqual([landed.id]);
      expect((await engine.ask(ARTICLES[2]!.question)).passages[0]?.source.id).toBe(landed.id);
    } finally {
      await engine.dispose();
      seed.cleanup();
    }
  });
});
