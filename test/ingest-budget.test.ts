import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../src/bot/i18n/index.js';
import { renderIngestRefusal } from '../src/bot/render/coverage-change.js';
import { checkHtmlShape, checkPdfShape, countWords, DEFAULT_EXTRACT_BUDGET, tooComplex, tooManyWords, wordCeiling } from '../src/engine/ingest/document-budget.js';
import { ingest, IngestError } from '../src/engine/ingest/index.js';
import { ingestError } from '../src/engine/ingest/ingest-error.js';
import { makePdf } from './fixtures/ingest/make-pdf.js';
import { deepPage, inflatingPdf, startHostileServer, type HostileServer } from './fixtures/ingest/hostile-pages.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

async function refusal(promise: Promise<unknown>): Promise<IngestError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IngestError);
  const refused = error as IngestError;
  expect(refused.message).not.toContain('\n');
  return refused;
}

describe('shape checks before any parse', () => {
  const budget = { maxElements: 50, maxDepth: 5 };

  it('counts start tags and refuses past the element bound', () => {
    expect(checkHtmlShape(`<html><body>${'<p>a</p>'.repeat(40)}</body></html>`, budget)).toEqual({ elements: 42, depth: 2 });
    expect(() => checkHtmlShape(`<body>${'<span>a</span>'.repeat(60)}</body>`, budget)).toThrow(/more than 50 elements/);
  });

  it('measures nesting, where paragraphs and list items left open do not nest', () => {
    expect(checkHtmlShape('<div><div><div><p>a<p>b<p>c<li>d<li>e</div></div></div>', budget).depth).toBe(3);
    const error = (() => {
      try {
        checkHtmlShape(deepPage(6), budget);
      } catch (e) {
        return e as IngestError;
      }
      return null;
    })();
    expect(error).toMatchObject({ code: 'TOO_COMPLEX', params: { measure: 'depth', limit: 5 } });
    expect(error!.message).toBe('Refused: the page is too complex to extract: elements nested more than 5 deep.');
  });

  it('skips what scripts, styles and comments hold', () => {
    const html = `<html><head><script>${'var s = "<div>";'.repeat(100)}</script><style>${'<div>'.repeat(100)}</style></head><body><!-- ${'<div>'.repeat(100)} --><p>a</p></body></html>`;
    expect(checkHtmlShape(html, budget)).toEqual({ elements: 6, depth: 2 });
  });

  it('counts PDF pages and stops inflating a stream at its ceiling', () => {
    expect(checkPdfShape(makePdf([['Une page.'], ['Une autre.']]), { maxPdfPages: 5, maxPdfInflatedBytes: 1024 })).toMatchObject({ pages: 2 });
    expect(() => checkPdfShape(makePdf([['a'], ['b'], ['c']]), { maxPdfPages: 2, maxPdfInflatedBytes: 1024 })).toThrow(/more than 2 pages/);
    const started = performance.now();
    expect(() => checkPdfShape(inflatingPdf(1024 ** 3), DEFAULT_EXTRACT_BUDGET)).toThrow(/expands past 64 MB/);
    // Inflating stops at 64 MB: nothing near the gigabyte the stream would become.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(checkPdfShape(inflatingPdf(2 * 1024 * 1024), DEFAULT_EXTRACT_BUDGET).inflatedBytes).toBe(2 * 1024 * 1024);
  });

  it('counts words as runs of non-space characters', () => {
    expect(countWords(' Le  conseil\u00a0a voté.\n\nFin')).toBe(5);
    expect(countWords('')).toBe(0);
  });

  it('knows the most words a passage cap allows (300 words a passage at most)', () => {
    expect([1, 400].map(wordCeiling)).toEqual([300, 120_000]);
  });
});

describe('ingesting hostile documents from 127.0.0.1', () => {
  let server: HostileServer;
  let scratch: Scratch;
  const deps = () => ({ corpusDir: scratch.corpusDir, fetch: { allowHosts: ['127.0.0.1'] } });
  beforeAll(async () => {
    server = await startHostileServer();
    scratch = makeScratch({ seed: true });
  });
  afterAll(async () => {
    await server?.close();
    scratch?.cleanup();
  });

  it.each([1_000, 5_000, 10_000])('refuses %i nested <div>s as too deep, before Readability sees them', async (depth) => {
    const started = performance.now();
    const error = await refusal(ingest({ url: `${server.origin}/deep/${depth}` }, deps()));
    expect(error).toMatchObject({ code: 'TOO_COMPLEX', params: { measure: 'depth', limit: 200 } });
    expect(performance.now() - started).toBeLessThan(DEFAULT_EXTRACT_BUDGET.wallMs);
  });

  it('refuses 4.9 MB of tiny paragraphs as too many elements', async () => {
    const error = await refusal(ingest({ url: `${server.origin}/tiny-paragraphs` }, deps()));
    expect(error).toMatchObject({ code: 'TOO_COMPLEX', params: { measure: 'elements', limit: 20_000 } });
  });

  it('refuses a 1 MB PDF whose stream inflates to 1 GB', async () => {
    const error = await refusal(ingest({ url: `${server.origin}/inflating.pdf` }, deps()));
    expect(error).toMatchObject({ code: 'TOO_COMPLEX', params: { measure: 'pdf-inflated-bytes' } });
  });

  it('refuses a 4.9 MB text file on its word count, without cleaning and cutting it', async () => {
    const error = await refusal(ingest({ url: `${server.origin}/huge.txt` }, deps()));
    expect(error).toMatchObject({ code: 'TOO_MANY_PASSAGES', params: { limit: 400 } });
    expect(error.params.words as number).toBeGreaterThan(800_000);
    expect(error.message).toMatch(/^Refused: the article is too long \(\d+ words; the limit is 400 passages, 120000 words, per article\)\.$/);
  });

  it('applies a configured passage cap to an ordinary long text, with its exact passage count', async () => {
    // 20 KB: 3 600 words, cut into 28 passages (≈ 130 words each here, as paragraphs end).
    const error = await refusal(ingest({ url: `${server.origin}/long.txt?kb=20` }, { ...deps(), budget: { maxPassages: 20 } }));
    expect(error).toMatchObject({ code: 'TOO_MANY_PASSAGES', params: { passages: 28, limit: 20 } });
  });

  it('stops an extraction that passes its wall time', async () => {
    const started = performance.now();
    // 190 nested <div>s pass the shape checks but keep Readability busy for well over 50 ms; the
    // wall time runs from the parse, not from the thread's start-up.
    const error = await refusal(ingest({ url: `${server.origin}/deep/190` }, { ...deps(), budget: { wallMs: 50 } }));
    expect(error).toMatchObject({ code: 'EXTRACT_TIMEOUT', params: { seconds: 0.05 } });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('stops an extraction that passes its memory', async () => {
    const error = await refusal(ingest({ url: `${server.origin}/long.txt?kb=2000` }, { ...deps(), budget: { heapMb: 8, maxPassages: 100_000 } }));
    expect(error).toMatchObject({ code: 'EXTRACT_MEMORY', params: { megabytes: 8 } });
  });
});

describe('refusals in the moderator’s language', () => {
  it('words each bound from the refusal’s parameters, in French and English', () => {
    const say = (error: IngestError, locale: string) => renderIngestRefusal(error, translate(locale));
    expect(say(tooComplex('depth', 200), 'fr')).toBe('La page est trop complexe à extraire : des éléments imbriqués sur plus de 200 niveaux.');
    expect(say(tooComplex('elements', 20_000), 'en-US')).toBe('The page is too complex to extract: more than 20,000 elements.');
    expect(say(tooComplex('pdf-inflated-bytes', 64 * 1024 * 1024), 'fr')).toBe(
      'Le PDF est trop complexe à extraire : son contenu compressé dépasse 64 Mo une fois décompressé.',
    );
    expect(say(tooManyWords(883_480, 400), 'fr')).toBe(
      'L’article est trop long : 883\u202f480 mots, la limite est de 400 passages (120\u202f000 mots) par article.',
    );
    expect(say(ingestError('EXTRACT_TIMEOUT', { seconds: 15 }), 'en')).toBe('Extracting its text took longer than 15 s, so it was stopped.');
    expect(say(ingestError('EXTRACT_MEMORY', { megabytes: 512 }), 'fr')).toBe('L’extraction de son texte demandait plus de 512 Mo de mémoire ; elle a été arrêtée.');
  });
});
