import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

/**
 * Blocks that are never article text, whatever Readability scores them: navigation, forms,
 * asides, embedded media and scripts.
 */
const DROP_SELECTOR = [
  'script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'canvas', 'video', 'audio',
  'nav', 'aside', 'form', 'button', 'input', 'select', 'textarea', 'dialog', 'footer',
  '[role="navigation"]', '[role="complementary"]', '[role="banner"]', '[role="contentinfo"]',
  '[role="dialog"]', '[aria-hidden="true"]', '[hidden]',
].join(',');

/**
 * Words in a class or id that mark boilerplate Readability keeps (it knows "comment",
 * "sidebar", "sponsor"… but not newsletter prompts, paywalls or bylines).
 */
const BOILERPLATE_WORDS = new Set([
  'ad', 'ads', 'advert', 'advertisement', 'advertising', 'pub', 'publicite', 'sponsor', 'sponsored', 'promo',
  'newsletter', 'subscribe', 'subscription', 'abonnement', 'inscription', 'paywall', 'signup', 'optin',
  'related', 'share', 'sharing', 'social', 'cookie', 'cookies', 'consent', 'gdpr',
  'comment', 'comments', 'commentaires', 'byline', 'dateline', 'breadcrumb', 'breadcrumbs', 'outbrain', 'taboola',
]);

const BLOCK_TAGS = new Set([
  'P', 'DIV', 'SECTION', 'ARTICLE', 'MAIN', 'HEADER', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'LI', 'UL', 'OL',
  'BLOCKQUOTE', 'PRE', 'FIGURE', 'FIGCAPTION', 'TABLE', 'TR', 'DL', 'DT', 'DD', 'HR', 'ADDRESS',
]);

type El = Element;

/**
 * Main text of an HTML page as paragraphs separated by blank lines: boilerplate blocks are
 * dropped, Readability picks the article, and the kept HTML is flattened to text.
 * Returns '' when nothing readable is left.
 *
 * @example htmlToText('<nav>Menu</nav><article><p>Un.</p><p>Deux.</p></article>') // 'Un.\n\nDeux.'
 */
export function htmlToText(html: string, title: string | null = null): string {
  const { document } = parseHTML(html);
  dropBoilerplate(document);
  const readable = new Readability(document as unknown as Document, { charThreshold: 200 }).parse();
  const content = readable?.content ? parseHTML(`<!doctype html><html><body>${readable.content}</body></html>`).document.body : document.body;
  if (!content) return '';
  const paragraphs = flatten(content as unknown as El);
  // Readability usually strips the headline; when it stays, the title already carries it.
  if (title && paragraphs[0] && sameText(paragraphs[0], title)) paragraphs.shift();
  return paragraphs.join('\n\n');
}

function dropBoilerplate(document: { querySelectorAll(s: string): Iterable<El>; body: El | null }): void {
  for (const el of [...document.querySelectorAll(DROP_SELECTOR)]) {
    if (!containsArticle(el)) el.remove();
  }
  // Site-wide <header> only: inside an article it holds the headline and lede.
  for (const el of [...document.querySelectorAll('header')]) {
    if (!el.closest('article, main') && !containsArticle(el)) el.remove();
  }
  // A class word alone is weak evidence: never drop a block that holds most of the text.
  const total = textLength(document.body);
  for (const el of [...document.querySelectorAll('[class], [id]')]) {
    if (isBoilerplate(el) && !containsArticle(el) && textLength(el) < 0.4 * total) el.remove();
  }
}

function textLength(el: El | null): number {
  return el?.textContent?.replace(/\s+/g, ' ').length ?? 0;
}

function isBoilerplate(el: El): boolean {
  const names = `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`.toLowerCase();
  return names.split(/[\s_-]+/).some((word) => BOILERPLATE_WORDS.has(word));
}

/** Never drop a block that holds the article itself (sites put odd classes on wrappers). */
function containsArticle(el: El): boolean {
  const tag = el.tagName;
  return tag === 'BODY' || tag === 'HTML' || tag === 'ARTICLE' || tag === 'MAIN' || el.querySelector('article, main') !== null;
}

function flatten(root: El): string[] {
  const parts: string[] = [];
  const walk = (node: Node, pre: boolean): void => {
    if (node.nodeType === 3) {
      // A line break of the page's source inside a paragraph is a space, as a browser shows it;
      // only <pre> keeps its lines (and <br> makes one).
      const text = node.textContent ?? '';
      parts.push(pre ? text : text.replace(/\s+/g, ' '));
      return;
    }
    if (node.nodeType !== 1) return;
    const el = node as El;
    if (el.tagName === 'BR') {
      parts.push('\n');
      return;
    }
    const block = BLOCK_TAGS.has(el.tagName);
    if (block) parts.push('\n\n');
    for (const child of el.childNodes) walk(child, pre || el.tagName === 'PRE');
    if (block) parts.push('\n\n');
  };
  walk(root, false);
  return parts
    .join('')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/[ \t\f\v\u00a0]+/g, ' ').replace(/ *\n */g, '\n').trim())
    .filter((p) => p.length > 0);
}

function sameText(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();
  return norm(a) === norm(b);
}
