/**
 * Decodes document bytes to a string. The charset comes, in order, from a byte-order mark,
 * the Content-Type header, then (for HTML) a <meta charset> in the first kilobyte. Undeclared
 * bytes are UTF-8 when they are valid UTF-8, else Windows-1252 (what browsers assume, and
 * what an old French page or file almost always is), never text full of U+FFFD. Unknown
 * labels fall back to UTF-8 rather than failing the ingest.
 *
 * @example decodeText(Buffer.from([0xe9]), { charset: 'iso-8859-1' }) // 'é'
 * @example decodeText(Buffer.from([0x45, 0x74, 0xe9])) // 'Eté'
 */
export function decodeText(data: Uint8Array, options: { charset?: string | null; html?: boolean } = {}): string {
  const label = bomCharset(data) ?? options.charset ?? (options.html ? metaCharset(data) : null);
  if (label) return makeDecoder(label).decode(data);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return new TextDecoder('windows-1252').decode(data);
  }
}

/** The `charset` parameter of a Content-Type header value, or null. */
export function charsetOf(contentType: string | null | undefined): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase() ?? null;
}

/** The bare media type of a Content-Type header value, lower-cased, or null. */
export function mimeOf(contentType: string | null | undefined): string | null {
  const mime = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  return mime ? mime : null;
}

function makeDecoder(label: string): TextDecoder {
  try {
    return new TextDecoder(label);
  } catch {
    return new TextDecoder('utf-8');
  }
}

function bomCharset(data: Uint8Array): string | null {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return 'utf-8';
  if (data[0] === 0xfe && data[1] === 0xff) return 'utf-16be';
  if (data[0] === 0xff && data[1] === 0xfe) return 'utf-16le';
  return null;
}

function metaCharset(data: Uint8Array): string | null {
  const head = Buffer.from(data.subarray(0, 1024)).toString('latin1');
  const direct = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head);
  return direct?.[1]?.toLowerCase() ?? null;
}
