import { fileTypeFromBuffer } from 'file-type';

export type DocumentKind = 'html' | 'markdown' | 'text' | 'pdf';

export type SniffResult =
  | { document: true; kind: DocumentKind }
  | { document: false; detected: string };

/** How much of the head of a file the text checks look at. */
const HEAD_BYTES = 8192;

/**
 * Decides from the bytes themselves what a document is: HTML, PDF, Markdown or plain text,
 * or not a document at all (binary formats recognized by magic numbers, or bytes that are not
 * text). A name or a Content-Type may only choose between text kinds; it never lets bytes
 * that look binary through.
 *
 * @example await sniffDocument(Buffer.from('<!doctype html><p>x'))  // { document: true, kind: 'html' }
 * @example await sniffDocument(pngBytes)  // { document: false, detected: 'image/png' }
 */
export async function sniffDocument(
  data: Uint8Array,
  hint: { mime?: string | null; name?: string | null } = {},
): Promise<SniffResult> {
  const head = data.subarray(0, HEAD_BYTES);
  // A UTF-16 text starts with a byte-order mark and is full of NUL bytes: judge its characters,
  // before any magic number (FF FE reads as an MP3 frame header) or NUL check can misname it.
  const utf16 = utf16Bom(head);
  if (utf16) return sniffText(new TextDecoder(utf16).decode(head), hint);
  const magic = await fileTypeFromBuffer(head);
  const headText = Buffer.from(head).toString('latin1');
  if (magic?.mime === 'application/pdf') return { document: true, kind: 'pdf' };
  if (magic && magic.mime !== 'application/xml') return { document: false, detected: magic.mime };
  if (magic && !/<html[\s>]/i.test(headText)) return { document: false, detected: magic.mime };
  if (!looksLikeText(head)) return { document: false, detected: 'application/octet-stream' };
  return sniffText(headText, hint);
}

function utf16Bom(head: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

/** HTML, Markdown or plain text, from the head of a document already known to be text. */
function sniffText(headText: string, hint: { mime?: string | null; name?: string | null }): SniffResult {
  if (mostlyControls(headText)) return { document: false, detected: 'application/octet-stream' };
  if (looksLikeHtml(headText) || hint.mime === 'text/html' || hint.mime === 'application/xhtml+xml') {
    return { document: true, kind: 'html' };
  }
  if (hint.mime === 'text/markdown' || hint.mime === 'text/x-markdown' || /\.(md|markdown)$/i.test(hint.name ?? '')) {
    return { document: true, kind: 'markdown' };
  }
  return { document: true, kind: looksLikeMarkdown(headText) ? 'markdown' : 'text' };
}

/** No NUL bytes and few control characters: what any text encoding we accept looks like. */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return true;
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) control++;
  }
  return control / head.length < 0.01;
}

/** Decoded text with NULs or many controls is binary (wearing a byte-order mark, say). */
function mostlyControls(text: string): boolean {
  let control = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code === 0) return true;
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x0c && code !== 0x1b) control++;
  }
  return text.length > 0 && control / text.length >= 0.01;
}

function looksLikeHtml(headText: string): boolean {
  const start = headText.replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().slice(0, 1024).toLowerCase();
  if (/^<!doctype html|^<html[\s>]|^<head[\s>]|^<body[\s>]/.test(start)) return true;
  if (/^<\?xml[^>]*>\s*(<!doctype html|<html[\s>])/.test(start)) return true;
  // Fragments without a document shell still count when they open with structural tags.
  return /^(<!--[\s\S]*?-->\s*)*<(meta|title|article|main|div|p|h1)[\s>]/.test(start);
}

function looksLikeMarkdown(headText: string): boolean {
  return /^(#{1,6} \S|---\s*$)/m.test(headText.slice(0, 2048));
}
