import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeArticleFile } from '../src/engine/corpus/article-file.js';
import { loadCorpus } from '../src/engine/corpus/load-corpus.js';
import { ingest } from '../src/engine/ingest/ingest.js';

// Issue 14, finding 7: the loader reads only regular UTF-8 files inside the corpus folder;
// anything else is skipped by name with the reason, and never stops the others.

let root: string;
let corpusDir: string;

const article = (title: string, body: string) =>
  serializeArticleFile({ title, publisher: null, url: null, date: null, language: 'fr' }, body);
const BODY = 'Le conseil municipal a voté mardi soir le budget de la piscine, après deux heures de débat animé entre la majorité et l’opposition.\n';

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'depeche-loader-'));
  corpusDir = join(root, 'corpus');
  mkdirSync(corpusDir);
  writeFileSync(join(corpusDir, 'budget.md'), article('Budget de la piscine', BODY));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('loadCorpus', () => {
  it('skips a symbolic link leading out of the corpus folder, by name, without reading it', async () => {
    const outside = join(root, 'secret.txt');
    writeFileSync(outside, 'root:x:0:0:root:/root:/bin/bash\n');
    symlinkSync(outside, join(corpusDir, 'passwd.txt'));
    symlinkSync('/etc/passwd', join(corpusDir, 'etc.txt'));

    const { articles, skipped } = await loadCorpus(corpusDir);

    expect(articles.map((a) => a.id)).toEqual(['budget']);
    expect(skipped).toEqual([
      { file: 'etc.txt', reason: 'a link to a file outside the corpus folder, not read' },
      { file: 'passwd.txt', reason: 'a link to a file outside the corpus folder, not read' },
    ]);
  });

  it('follows a link that stays inside the corpus folder', async () => {
    mkdirSync(join(corpusDir, 'archives'));
    writeFileSync(join(corpusDir, 'archives', 'vieux.md'), article('Vieux budget', BODY.replace('mardi', 'lundi')));
    symlinkSync(join('archives', 'vieux.md'), join(corpusDir, 'vieux.md'));
    const { articles, skipped } = await loadCorpus(corpusDir);
    expect(articles.map((a) => a.title).sort()).toEqual(['Budget de la piscine', 'Vieux budget']);
    expect(skipped).toEqual([]);
  });

  it('skips a named pipe instead of waiting on it for ever', async () => {
    expect(spawnSync('mkfifo', [join(corpusDir, 'pipe.md')]).status).toBe(0);
    const { articles, skipped } = await loadCorpus(corpusDir);
    expect(articles.map((a) => a.id)).toEqual(['budget']);
    expect(skipped).toEqual([{ file: 'pipe.md', reason: 'not a regular file (a named pipe, device or folder), not read' }]);
  });

  it('skips a file that is not UTF-8 (Latin-1), saying how to fix it, instead of loading replacement characters', async () => {
    writeFileSync(join(corpusDir, 'latin1.md'), Buffer.from(article('Été brûlant', 'Les températures ont dépassé quarante degrés à Orléans.\n'), 'latin1'));
    const { articles, skipped } = await loadCorpus(corpusDir);
    expect(articles.map((a) => a.id)).toEqual(['budget']);
    expect(skipped).toEqual([{ file: 'latin1.md', reason: 'not UTF-8 text: save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)' }]);
  });
});

describe('ingest next to such files', () => {
  it('checks duplicates without opening the pipe or following the link out', async () => {
    expect(spawnSync('mkfifo', [join(corpusDir, 'pipe.md')]).status).toBe(0);
    symlinkSync('/etc/passwd', join(corpusDir, 'passwd.txt'));
    const note = Buffer.from('# Vote des subventions\n\nLe conseil a voté les subventions aux associations sportives pour un total de deux cent mille euros.\n');
    const result = await ingest({ file: { name: 'note.md', data: note } }, { corpusDir });
    expect(result.status).toBe('added');
  });
});
