// Terminal escape sequences (bold, dim) take no columns.
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

/** Columns a string takes on a terminal: code points, escape sequences not counted. */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI_ESCAPE, '')].length;
}

/**
 * Wraps one paragraph to `width` columns at spaces, with a hanging indent: the first line
 * starts with `first`, the others with `rest`. A word longer than a line keeps a line to
 * itself (a URL must stay whole to be clickable).
 * @example wrapParagraph('un deux trois', 9, '', '  ') // 'un deux\n  trois'
 */
export function wrapParagraph(text: string, width: number, first: string, rest: string): string {
  const lines: string[] = [];
  let line = first;
  let lineWidth = visibleWidth(first);
  let empty = true;
  for (const word of text.split(' ').filter(Boolean)) {
    const w = visibleWidth(word);
    if (!empty && lineWidth + 1 + w > width) {
      lines.push(line);
      line = rest;
      lineWidth = visibleWidth(rest);
      empty = true;
    }
    line += (empty ? '' : ' ') + word;
    lineWidth += (empty ? 0 : 1) + w;
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}
