import { analyze, analyzeBoth } from '../text/analyze.js';
import { DEFAULT_CHUNK_OPTIONS, chunkArticle } from '../text/chunk.js';
import type { Article, SourceMeta } from '../types.js';
import type { ArticleWrite } from './store.js';

export const sourceOf = (a: Article): SourceMeta => ({
  id: a.id, title: a.title, publisher: a.publisher, author: a.author ?? null, url: a.url, date: a.date, language: a.language,
});

/** Chunks and analyses an article: everything the store keeps of it but the vectors. */
export function prepareArticle(a: Article): ArticleWrite {
  return {
    source: sourceOf(a),
    hash: a.hash,
    titleTerms: a.title.trim() ? analyze(a.title) : [],
    passages: chunkArticle(a, DEFAULT_CHUNK_OPTIONS).map((c) => ({
      passage: { ...c, original: a.text.slice(c.range.start, c.range.end) },
      terms: analyzeBoth(c.text),
      vector: null,
    })),
  };
}
