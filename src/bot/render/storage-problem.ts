import type { StorageError } from '../../engine/fs/storage-error.js';
import type { Messages } from '../i18n/index.js';

/**
 * A refused write in the member's language, by folder role: "the disk holding the corpus folder
 * is full; the bot’s operator must free some space." The path stays in the log, off Discord.
 */
export function renderStorageProblem(error: StorageError, m: Messages): string {
  const text = m.storageProblems[error.code](m.folderRoles[error.params.role]);
  return text.charAt(0).toUpperCase() + text.slice(1);
}
