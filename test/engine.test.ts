import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../src/engine/engine.js';
import type { Engine } from '../src/engine/types.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

let scratch: Scratch;
let engine: Engine;

beforeAll(async () => {
  scratch = makeScratch({ seed: true });
  engine = await createEngine(scratch.config());
  await engine.reindex();
});
afterAll(async () => {
  await engine?.dispose();
  scratch?.cleanup();
});

describe('engine.ask', () => {
  it('returns passages with their article id and the metadata the corpus gives, nothing more', async () => {
    const answer = await engine.ask('Stargate OpenAI SoftBank Oracle data centers', { k: 5 });
    expect(answer.abstained).toBe(false);
    expect(answer.passages.length).toBeGreaterThan(0);
    for (const p of answer.passages) {
      const meta = engine.source(p.source.id)!;
      expect(p.source).toEqual(meta);
      // A link only where the source has a url.
      if (meta.url) expect(p.link!.startsWith(meta.url)).toBe(true);
      else expect(p.link).toBeNull();
    }
    const ft = engine.source('003_f1544e1ffa8ca780')!;
    expect(ft.publisher).toBeNull();
    expect(ft.url).toBeNull();
  });

  it('emphasizes, within each passage, a sentence that shares the question words', async () => {
    const answer = await engine.ask('Abilene Texas centre de données');
    const top = answer.passages[0]!;
    const emphasized = top.highlights.map((h) => top.text.slice(h.start, h.end)).join(' ');
    expect(emphasized).toMatch(/Abilene/);
    expect(answer.directAnswer!.text).toMatch(/Abilene/);
  });

  it('pages through results with offset', async () => {
    const first = await engine.ask('SoftBank investissement', { k: 2 });
    const next = await engine.ask('SoftBank investissement', { k: 2, offset: 2 });
    expect(first.hasMore).toBe(true);
    const ids = new Set(first.passages.map((p) => p.chunkId));
    for (const p of next.passages) expect(ids.has(p.chunkId)).toBe(false);
  });

  it('answers from the same coverage in lexical, dense and hybrid modes', async () => {
    for (const mode of ['lexical', 'dense', 'hybrid'] as const) {
      const answer = await engine.ask('Nvidia Arm rachat 40 milliards de dollars', { mode, k: 3 });
      expect(answer.mode).toBe(mode);
      expect(answer.passages.some((p) => p.source.id.startsWith('001'))).toBe(true);
    }
  });

  it.each([
    ['', /empty/],
    ['   \n\t ', /empty/],
    ['?!…', /no words/],
    ['x'.repeat(10_000), /10000 characters long, the limit is 1000/],
  ])('refuses the question %j with a clear message', async (q, why) => {
    await expect(engine.ask(q)).rejects.toMatchObject({ code: 'BAD_QUESTION', message: expect.stringMatching(why) });
  });

  it("counts a question's length in characters as people do (an emoji is one)", async () => {
    // 1000 characters, 1500 UTF-16 units.
    await expect(engine.ask('a😀'.repeat(500))).resolves.toMatchObject({ question: 'a😀'.repeat(500) });
    await expect(engine.ask('a😀'.repeat(501))).rejects.toThrow('it is 1002 characters long, the limit is 1000');
  });

  it('warms up without a warning when the model loads', async () => {
    expect(await engine.warmUp()).toBeNull();
  });

  it('lists the coverage sorted by title, sorted once per state of the coverage', () => {
    const titles = engine.sources().map((s) => s.title);
    expect(titles).toHaveLength(5);
    expect([...titles].sort((a, b) => a.localeCompare(b, 'fr'))).toEqual(titles);
    expect(engine.sources()).toBe(engine.sources());
    expect(Object.isFrozen(engine.sources())).toBe(true);
  });
});

describe('engine without its model', () => {
  it('warns at warm-up, before any question, when the index has no vectors', async () => {
    const s = makeScratch({ seed: true });
    try {
      const lexicalOnly = await createEngine(s.config({ modelDir: s.root }));
      await lexicalOnly.reindex();
      await lexicalOnly.dispose();
      const withModel = await createEngine(s.config());
      expect(await withModel.warmUp()).toMatch(/built without the model; run "npm run index".*lexical search only\.$/s);
      await withModel.dispose();
    } finally {
      s.cleanup();
    }
  });

  it('answers with lexical search and says why when the model cannot be loaded', async () => {
    const s = makeScratch({ seed: true });
    try {
      const built = await createEngine(s.config());
      await built.reindex();
      await built.dispose();
      // Same index, but the model folder is gone.
      const broken = await createEngine(s.config({ modelDir: s.root }));
      expect(await broken.warmUp()).toMatch(/could not be loaded.*lexical search only\.$/s);
      const answer = await broken.ask('Combien Nvidia avait-il proposé pour racheter Arm ?');
      expect(answer.mode).toBe('lexical');
      expect(answer.warnings.join(' ')).toMatch(/could not be loaded.*lexical search only/s);
      expect(answer.passages.length).toBeGreaterThan(0);
      await expect(broken.ask('Nvidia Arm', { mode: 'dense' })).rejects.toMatchObject({ code: 'MODEL_REQUIRED' });
      await broken.dispose();
    } finally {
      s.cleanup();
    }
  });

  it('refuses to answer from an index built with another model, saying what to run', async () => {
    const s = makeScratch({ seed: true });
    try {
      const built = await createEngine(s.config());
      await built.reindex();
      await built.dispose();
      const other = await createEngine(s.config({ model: 'Xenova/multilingual-e5-small' }));
      await expect(other.ask('Stargate')).rejects.toThrow(
        /^The index was built with a different configuration \(index built with model depeche\/tiny-bert, configured model is Xenova\/multilingual-e5-small\)\. Run "npm run index" to rebuild it\.$/,
      );
      await other.dispose();
    } finally {
      s.cleanup();
    }
  });
});

describe('engine beside another process', () => {
  it('answers from an index another process updated, without a restart', async () => {
    const s = makeScratch({ seed: true });
    try {
      const bot = await createEngine(s.config({ mode: 'lexical' }));
      await bot.reindex();
      expect((await bot.ask('Ouarzazate centrale solaire')).abstained).toBe(true);
      // A second engine (think `npm run ingest` in another process) adds an article and reindexes.
      s.writeArticle('zz_solaire', { title: 'La centrale solaire de Ouarzazate' }, 'La centrale solaire Noor de Ouarzazate, au Maroc, produit 580 mégawatts.');
      const cli = await createEngine(s.config({ mode: 'lexical' }));
      await cli.reindex();
      await cli.dispose();
      const answer = await bot.ask('Ouarzazate centrale solaire');
      expect(answer.abstained).toBe(false);
      expect(answer.passages[0]!.source.id).toBe('zz_solaire');
      expect(bot.source('zz_solaire')?.title).toBe('La centrale solaire de Ouarzazate');
      await bot.dispose();
    } finally {
      s.cleanup();
    }
  });
});
