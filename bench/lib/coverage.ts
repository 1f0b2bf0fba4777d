import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { serializeArticleFile } from '../../src/engine/corpus/article-file.js';
import { loadCorpus } from '../../src/engine/corpus/load-corpus.js';
import { passageText } from '../../src/engine/index/build-index.js';
import { splitSentences } from '../../src/engine/text/sentences.js';
import { DEFAULT_CHUNK_OPTIONS, chunkArticle } from '../../src/engine/text/chunk.js';
import { createRng } from './rng.js';

/** A chunk as both sides index it: Dépêche's chunker output and the text its embedder sees. */
export interface BenchChunk {
  id: string;
  articleId: string;
  /** `title\ntext`, exactly what Dépêche embeds (before the model's passage prefix). */
  text: string;
}

/** Chunks of a corpus folder, made by Dépêche's own loader and chunker (so both sides get the same). */
export async function loadBenchChunks(corpusDir: string): Promise<{ articles: number; chunks: BenchChunk[] }> {
  const { articles } = await loadCorpus(corpusDir);
  const chunks = articles.flatMap((a) =>
    chunkArticle(a, DEFAULT_CHUNK_OPTIONS).map((c) => ({ id: c.id, articleId: a.id, text: passageText(a.title, c.text) })),
  );
  return { articles: articles.length, chunks };
}

/**
 * Writes `count` article-like files into `outDir` by recombining real sentences of the corpus
 * (no downloads): each article takes 12–40 sentences, in paragraphs of 2–5, from random
 * articles. Deterministic for a given seed. Returns the folder.
 */
export async function writeSyntheticCorpus(seedDir: string, outDir: string, count: number, seed = 11): Promise<string> {
  const { articles } = await loadCorpus(seedDir);
  const sentences = articles.flatMap((a) =>
    a.kept.flatMap((k) => splitSentences(a.text, k.start, k.end).map((r) => a.text.slice(r.start, r.end).trim())),
  ).filter((s) => s.length > 30);
  if (sentences.length === 0) throw new Error(`no sentences found in ${seedDir}`);
  const rng = createRng(seed);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const total = 12 + rng.int(29);
    const paragraphs: string[] = [];
    let left = total;
    while (left > 0) {
      const n = Math.min(left, 2 + rng.int(4));
      paragraphs.push(Array.from({ length: n }, () => sentences[rng.int(sentences.length)]!).join(' '));
      left -= n;
    }
    const title = `Synthèse ${i + 1} : ${sentences[rng.int(sentences.length)]!.split(/\s+/).slice(0, 8).join(' ')}`;
    const body = `${paragraphs.join('\n\n')}\n`;
    const file = serializeArticleFile({ title, publisher: null, url: null, date: null, language: 'fr' }, body);
    writeFileSync(path.join(outDir, `syn_${String(i).padStart(5, '0')}.md`), file);
  }
  return outDir;
}
