import { textHash, urlKey } from './article-identity.js';
import type { ParsedArticleFile } from './article-file.js';
import type { CorpusFileFacts } from './corpus-cache.js';

/** What the corpus cache keeps of a parsed article file. */
export function factsOf(parsed: ParsedArticleFile): CorpusFileFacts {
  return { hash: parsed.hash, textHash: textHash(parsed.body), urlKey: urlKey(parsed.meta.url), meta: parsed.meta };
}
