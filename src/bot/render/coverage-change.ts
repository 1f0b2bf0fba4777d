import type { LiveIngestResult } from '../../engine/ingest/index.js';
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

/** "Added «Title» — 14 passages." with the article id underneath (what /remove and /source take). */
export function renderIngestResult(result: Pick<LiveIngestResult, 'id' | 'title' | 'status' | 'passages' | 'matchedBy' | 'indexError'>, m: Messages): string {
  const title = shownTitle(result.title);
  const head = result.indexError
    ? m.ingestNotIndexed(title, result.indexError instanceof StorageError ? renderStorageProblem(result.indexError, m) : result.indexError.message)
    : result.status === 'added'
      ? m.ingestAdded(title, result.passages)
      : result.status === 'updated'
        ? m.ingestUpdated(title, result.passages)
        : m.ingestDuplicate(title, result.matchedBy ?? 'text');
  return `${head}\n-# ${m.articleIdLine(result.id.replace(/`/g, ''))}`.slice(0, DISCORD_LIMITS.content);
}

export function renderRemoval(source: SourceMeta, m: Messages): string {
  return m.removed(shownTitle(source.title)).slice(0, DISCORD_LIMITS.content);
}
