import { createHash } from 'node:crypto';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import type { SourceMeta } from '../types.js';

/**
 * One article per file: `corpus/<id>.md`, YAML front matter with the source's metadata,
 * then the body as received. Unknown facts are `null`, never guessed.
 *
 * ---
 * title: "OpenAI et SoftBank lancent Stargate"
 * publisher: null
 * author: null
 * url: null
 * date: "2025-01"
 * language: fr
 * ---
 * Body text…
 */
const isoDate = /^\d{4}(-\d{2}(-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;

const metaSchema = z.object({
  title: z.string().trim().min(1, 'title is empty'),
  publisher: z.string().trim().min(1).nullable().default(null),
  author: z.string().trim().min(1).nullable().default(null),
  url: z.url({ protocol: /^https?$/ }).nullable().default(null),
  date: z.string().regex(isoDate, 'date must be ISO (YYYY, YYYY-MM or YYYY-MM-DD)').nullable().default(null),
  language: z.string().trim().min(2).max(12).nullable().default(null),
  title_descriptive: z.boolean().optional(),
});

export type ArticleMeta = z.infer<typeof metaSchema>;

export interface ParsedArticleFile {
  meta: Omit<SourceMeta, 'id'>;
  body: string;
  hash: string;
}

export const ARTICLE_EXTENSIONS = ['.md', '.txt'] as const;

/** Whether a corpus folder entry is an article file (its stem is the article id): `.md`/`.txt`, no dot-files, no README. */
export function isArticleFileName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot).toLowerCase() : '';
  return (ARTICLE_EXTENSIONS as readonly string[]).includes(ext) && !name.startsWith('.') && !/^readme/i.test(name);
}

/**
 * Parses an article file. `.md` needs front matter; a bare `.txt` takes its first line as title.
 * Throws an Error whose message says what is wrong (the caller adds the file name).
 */
export function parseArticleFile(content: string, extension: string): ParsedArticleFile {
  const hash = createHash('sha256').update(content).digest('hex');
  const text = content.replace(/^\uFEFF/, '');
  if (extension === '.txt') {
    const body = text;
    const title = body.split('\n').find((l) => l.trim())?.trim();
    if (!title) throw new Error('no text');
    return { meta: { title: title.slice(0, 300), publisher: null, author: null, url: null, date: null, language: null }, body, hash };
  }
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!m) throw new Error('missing front matter (a "---" block with title, publisher, url, date, language)');
  let raw: unknown;
  try {
    raw = parseYaml(m[1]!);
  } catch (err) {
    throw new Error(`front matter is not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  const parsed = metaSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`bad metadata: ${issue.path.join('.') || 'front matter'}: ${issue.message}`);
  }
  const body = text.slice(m[0].length);
  if (!body.trim()) throw new Error('no text');
  const { title, publisher, author, url, date, language } = parsed.data;
  return { meta: { title, publisher, author, url, date, language }, body, hash };
}

/** Serializes metadata and body into the article file format (inverse of parseArticleFile). */
export function serializeArticleFile(meta: Omit<SourceMeta, 'id'> & { title_descriptive?: boolean }, body: string): string {
  const front: Record<string, unknown> = {
    title: meta.title,
    publisher: meta.publisher,
    author: meta.author ?? null,
    url: meta.url,
    date: meta.date,
    language: meta.language,
  };
  if (meta.title_descriptive) front.title_descriptive = true;
  return `---\n${stringifyYaml(front, { lineWidth: 0 }).trimEnd()}\n---\n${body.endsWith('\n') ? body : `${body}\n`}`;
}
