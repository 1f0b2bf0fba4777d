/** Characters that separate parts of a text directive, so they must be percent-encoded inside one. */
const encodePart = (s: string) => encodeURIComponent(s).replace(/-/g, '%2D').replace(/,/g, '%2C').replace(/&/g, '%26');

const words = (s: string) => s.split(/\s+/).filter(Boolean);

/**
 * A link that opens `url` scrolled to `sentence`, using a URL text fragment
 * (`#:~:text=start,end`). Long sentences are matched by their first and last words.
 * Returns the plain url when the sentence is empty, and null when there is no url.
 * @example textFragmentLink('https://a.fr/x', 'Son a promis 100 milliards.') // 'https://a.fr/x#:~:text=Son%20a%20promis%20100%20milliards.'
 */
export function textFragmentLink(url: string | null, sentence: string, edgeWords = 5): string | null {
  if (!url) return null;
  const base = url.replace(/#.*$/, '');
  const w = words(sentence.trim());
  if (w.length === 0) return url;
  const directive = w.length <= edgeWords * 2
    ? encodePart(w.join(' '))
    : `${encodePart(w.slice(0, edgeWords).join(' '))},${encodePart(w.slice(-edgeWords).join(' '))}`;
  return `${base}#:~:text=${directive}`;
}
