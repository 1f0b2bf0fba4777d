/**
 * Text from a source (title, publisher, author, passage, URL) shown in a terminal: control
 * characters and bidi overrides become visible escapes (`\x1B`, `\u202E`) instead of acting
 * on the terminal — an ESC ] 52 sequence can write some terminals' clipboard, ESC [ 2J clears
 * the screen, U+202E reverses what follows. Line feeds and tabs stay. Ingest already strips
 * these from what it stores; a file placed in the corpus by hand has not been through it.
 *
 * @example terminalText('Titre\u001b[2J') // 'Titre\\x1B[2J'
 */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `JSON.stringify` for a line printed to a terminal: JSON escapes C0 controls itself but lets
 * DEL, C1 controls (U+009B is an 8-bit CSI) and bidi overrides through raw; here they are
 * written as `\uXXXX` escapes, which parse back to the same value.
 *
 * @example jsonLine({ t: 'a\u202eb' }) // '{"t":"a\\u202eb"}'
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
