import type { IngestError, LiveIngestResult } from '../../engine/ingest/index.js';
import type { SourceMeta } from '../../engine/types.js';
import type { Messages } from '../i18n/index.js';
import { StorageError } from '../../engine/fs/storage-error.js';
import { DISCORD_LIMITS } from './limits.js';
import { renderStorageProblem } from './storage-problem.js';
import { escapeMarkdown, truncateWords } from './text.js';

/** Replies to /ingest and /remove. Pure. */

const TITLE_MAX = 200;

function shownTitle(title: string): string {
  return escapeMarkdown(truncateWords(title, TITLE_MAX));
}

/**
 * "Added «Title» — 14 passages." with the article id underneath (what /remove and /source take);
 * a replacement done on purpose also names the article it replaced and where that came from.
 */
export function renderIngestResult(
  result: Pick<LiveIngestResult, 'id' | 'title' | 'status' | 'passages' | 'matchedBy' | 'previous' | 'replaced' | 'indexError'>,
  m: Messages,
): string {
  const title = shownTitle(result.title);
  const head = result.indexError
    ? m.ingestNotIndexed(title, result.indexError instanceof StorageError ? renderStorageProblem(result.indexError, m) : result.indexError.message)
    : result.status === 'added'
      ? m.ingestAdded(title, result.passages)
      : result.status === 'updated'
        ? m.ingestUpdated(title, result.passages)
        : m.ingestDuplicate(title, result.matchedBy ?? 'text');
  const before = result.replaced && result.previous
    ? `\n${m.ingestReplaced(shownTitle(result.previous.title), escapeMarkdown(result.previous.url ?? result.previous.publisher ?? m.unknown))}`
    : '';
  return `${head}${before}\n-# ${m.articleIdLine(result.id.replace(/`/g, ''))}`.slice(0, DISCORD_LIMITS.content);
}

const PARAMETERLESS = new Set<string>(['NO_INPUT', 'LOCKED']);

/**
 * A refusal in the moderator's language, from its code and parameters; an error raised
 * without parameters keeps the engine's English wording.
 */
export function renderIngestRefusal(error: Pick<IngestError, 'code' | 'message' | 'params'>, m: Messages): string {
  const say = m.ingestErrors[error.code] as ((p: unknown) => string) | undefined;
  const stated = Object.keys(error.params).length > 0 || PARAMETERLESS.has(error.code);
  const text = say && stated ? say(error.params) : error.message;
  return escapeMarkdown(truncateWords(text, 1500));
}

export function renderRemoval(source: SourceMeta, m: Messages): string {
  return m.removed(shownTitle(source.title)).slice(0, DISCORD_LIMITS.content);
}
