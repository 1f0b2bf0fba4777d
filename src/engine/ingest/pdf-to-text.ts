import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import { ingestError, type Subject } from './ingest-error.js';
import { normalizeLanguage } from './page-metadata.js';

export interface PdfContent {
  /** Paragraphs separated by blank lines; pages are separated the same way. */
  text: string;
  /** The document's declared title (Info /Title), unless it is only a file name. */
  title: string | null;
  /** The document's declared language (catalog /Lang). */
  language: string | null;
}

/**
 * Text and declared metadata of a PDF (pdf.js through unpdf). The
 * creation date is not a publication date and the author is not a publisher, so neither is
 * read. Visual line breaks are rejoined into sentences; hyphenated line ends are mended.
 *
 * @example await pdfToText(bytes) // { text: 'Le conseil a voté…', title: 'Budget 2025', language: 'fr' }
 * @throws IngestError NOT_A_DOCUMENT when pdf.js cannot read the file
 */
export async function pdfToText(data: Uint8Array, subject: Subject = { url: 'the document' }): Promise<PdfContent> {
  let pages: string[];
  let info: Record<string, unknown> = {};
  try {
    // A copy: pdf.js transfers (detaches) the buffer it is given. pdf.js 5 never evaluates
    // code from a document (no eval, no scripting in this build).
    // verbosity 0: pdf.js's own warnings ("Indexing all PDF objects") are not for the person ingesting.
    const pdf = await getDocumentProxy(new Uint8Array(data), { stopAtErrors: false, verbosity: 0 });
    try {
      pages = (await extractText(pdf, { mergePages: false })).text;
      info = ((await getMeta(pdf)).info ?? {}) as Record<string, unknown>;
    } finally {
      await pdf.loadingTask.destroy();
    }
  } catch (error) {
    // pdf.js's own reason ("Invalid PDF structure") means nothing to a moderator: it goes to the cause.
    throw ingestError('NOT_A_PDF', subject, { cause: error });
  }
  return {
    text: pages.map(rejoinLines).filter(Boolean).join('\n\n'),
    title: declaredTitle(info.Title),
    language: normalizeLanguage(typeof info.Language === 'string' ? info.Language : null),
  };
}

/**
 * PDF text comes as visual lines. A line that ends a sentence, or is short for the page
 * (a heading, a paragraph's last line), ends a paragraph; other lines run on.
 */
export function rejoinLines(page: string): string {
  const lines = page.split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
  // "Short" is relative to the page's text width: a heading or a paragraph's last line.
  const short = 0.6 * Math.max(0, ...lines.map((l) => l.length));
  const paragraphs: string[] = [];
  let current = '';
  for (const line of lines) {
    if (!line) {
      if (current) paragraphs.push(current);
      current = '';
      continue;
    }
    if (!current) current = line;
    else if (/\p{L}-$/u.test(current) && /^\p{Ll}/u.test(line)) current = current.slice(0, -1) + line;
    else current = `${current} ${line}`;
    if (/[.!?…:»"]$/.test(line) || line.length < short) {
      paragraphs.push(current);
      current = '';
    }
  }
  if (current) paragraphs.push(current);
  return paragraphs.join('\n\n');
}

function declaredTitle(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const title = value.replace(/\s+/g, ' ').trim();
  // Word processors often store the file name as the title; that says nothing.
  if (!title || /\.(docx?|odt|rtf|pdf|pages|indd|txt)$/i.test(title) || /^Microsoft Word - /i.test(title) || /^untitled$/i.test(title)) return null;
  return title;
}
