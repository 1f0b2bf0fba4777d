import { constants } from 'node:fs';
import { lstat, open, realpath } from 'node:fs/promises';
import { join, relative, isAbsolute } from 'node:path';

/**
 * Reads one article file of the corpus folder as UTF-8 text, refusing what is not an article:
 * a symbolic link leading out of the folder (`passwd.txt -> /etc/passwd` would be indexed and
 * quoted to anyone), anything but a regular file (a named pipe would block the reader forever,
 * holding the index lock), and bytes that are not valid UTF-8 (a Latin-1 file would load as
 * replacement characters no question can find). The thrown Error's message is the reason the
 * loader reports next to the file name.
 *
 * @example await readCorpusFile('corpus', '000_dcb9b5e2e5327193.md') // '---\ntitle: …'
 */
export async function readCorpusFile(dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  let target = path;
  if ((await lstat(path)).isSymbolicLink()) {
    const [root, resolved] = await Promise.all([realpath(dir), realpath(path).catch(() => null)]);
    if (resolved === null) throw new Error('a link to a file that does not exist');
    const inside = relative(root, resolved);
    if (inside.startsWith('..') || isAbsolute(inside)) throw new Error('a link to a file outside the corpus folder, not read');
    target = resolved;
  }
  // O_NONBLOCK: opening a named pipe must not wait for a writer; O_NOFOLLOW: the link was
  // resolved and checked above, no other may be swapped in meanwhile.
  const handle = await open(target, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) throw new Error('not a regular file (a named pipe, device or folder), not read');
    const bytes = await handle.readFile();
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw new Error('not UTF-8 text: save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)');
    }
  } finally {
    await handle.close();
  }
}
