/** What a page says about itself. Every field is null when the page does not say it. */
export interface PageMetadata {
  title: string | null;
  publisher: string | null;
  /** Byline: the article's author names joined by ", " (never the publisher repeated, never a profile URL). */
  author: string | null;
  /** Absolute http(s) canonical URL as the page declares it (link rel=canonical, og:url, JSON-LD url). */
  canonicalUrl: string | null;
  /** Publication date as the page gives it, cut to the calendar date: "2025-01-22" (or "2025-01"). */
  date: string | null;
  /** Primary language subtag, lower-case: "fr". */
  language: string | null;
}

type Doc = Pick<Document, 'querySelector' | 'querySelectorAll' | 'documentElement'>;
type JsonObject = Record<string, unknown>;

/** schema.org's Article and every type below it that a news reader may ingest. */
const ARTICLE_TYPES = new Set([
  'Article', 'NewsArticle', 'ReportageNewsArticle', 'AnalysisNewsArticle', 'OpinionNewsArticle', 'BackgroundNewsArticle',
  'ReviewNewsArticle', 'AskPublicNewsArticle', 'SatiricalArticle', 'AdvertiserContentArticle', 'ScholarlyArticle',
  'MedicalScholarlyArticle', 'TechArticle', 'APIReference', 'Report', 'SocialMediaPosting', 'BlogPosting',
  'LiveBlogPosting', 'DiscussionForumPosting',
]);

/**
 * Reads title, publisher, canonical URL, date and language from a parsed page: Open Graph
 * and article: meta tags, JSON-LD (also inside @graph, with @id references), <link
 * rel=canonical>, <time>, <html lang>. Call it before any cleaning removes <script> or <meta>.
 *
 * @example pageMetadata(document, 'https://site.example/a')
 *   // { title: 'Stargate…', publisher: 'Le Quotidien', canonicalUrl: 'https://site.example/a', date: '2025-01-22', language: 'fr' }
 */
export function pageMetadata(document: Doc, pageUrl: string | null): PageMetadata {
  const ld = articleJsonLd(document);
  const ogTitle = meta(document, 'og:title');
  const pageTitles = [
    meta(document, 'twitter:title'),
    document.querySelector('title')?.textContent,
    document.querySelectorAll('h1').length === 1 ? document.querySelector('h1')?.textContent : null,
  ];
  // A JSON-LD headline only stands in for the title when the page's own titles say the same
  // (Wikipedia's "headline" is a short description such as "Wikimedia list article").
  const agreed = (value: string | null) => (value && agreesWith(value, [ogTitle, ...pageTitles]) ? value : null);
  const publisher = firstText(meta(document, 'og:site_name'), ld.publisherName, meta(document, 'publisher'));
  return {
    title: firstText(ogTitle, agreed(str(ld.article?.headline)), agreed(str(ld.article?.name)), ...pageTitles),
    publisher,
    author: byline(
      publisher,
      ld.authorNames,
      [meta(document, 'author'), meta(document, 'article:author'), meta(document, 'parsely-author'), meta(document, 'dc.creator'), meta(document, 'sailthru.author')],
    ),
    canonicalUrl: firstUrl(pageUrl, [
      document.querySelector('link[rel~="canonical"]')?.getAttribute('href'),
      meta(document, 'og:url'),
      str(ld.article?.url),
      str(ld.article?.mainEntityOfPage),
      str(asObject(ld.article?.mainEntityOfPage)?.['@id']),
    ]),
    date: firstDate(
      str(ld.article?.datePublished),
      meta(document, 'article:published_time'),
      meta(document, 'og:article:published_time'),
      document.querySelector('[itemprop="datePublished"]')?.getAttribute('content'),
      document.querySelector('[itemprop="datePublished"]')?.getAttribute('datetime'),
      meta(document, 'date'),
      meta(document, 'dc.date.issued'),
      meta(document, 'dc.date'),
      meta(document, 'parsely-pub-date'),
      document.querySelector('time[pubdate]')?.getAttribute('datetime'),
      // Only a <time> that belongs to the article itself; elsewhere it may date anything.
      document.querySelector('article time[datetime]')?.getAttribute('datetime'),
    ),
    language: firstLanguage(
      document.documentElement?.getAttribute('lang'),
      document.documentElement?.getAttribute('xml:lang'),
      str(ld.article?.inLanguage),
      [...document.querySelectorAll('meta')].find((m) => m.getAttribute('http-equiv')?.toLowerCase() === 'content-language')?.getAttribute('content'),
      meta(document, 'og:locale'),
    ),
  };
}

/** Cuts an ISO-like date to what it states about the calendar day, in the page's own offset. */
export function normalizeDate(value: string | null | undefined): string | null {
  const match = /^\s*(\d{4})-(\d{2})(?:-(\d{2}))?(?![\d])/.exec(value ?? '');
  if (!match) return null;
  const [, year, month, day] = match;
  if (Number(month) < 1 || Number(month) > 12) return null;
  if (day !== undefined && (Number(day) < 1 || Number(day) > 31)) return null;
  return day ? `${year}-${month}-${day}` : `${year}-${month}`;
}

/** "fr-FR", "fr_FR", "FR" → "fr"; anything not shaped like a language tag → null. */
export function normalizeLanguage(value: string | null | undefined): string | null {
  const primary = (value ?? '').trim().split(/[-_,;\s]/)[0]?.toLowerCase() ?? '';
  return /^[a-z]{2,3}$/.test(primary) ? primary : null;
}

function meta(document: Doc, key: string): string | null {
  const lower = key.toLowerCase();
  for (const el of document.querySelectorAll('meta')) {
    const name = (el.getAttribute('property') ?? el.getAttribute('name') ?? el.getAttribute('itemprop') ?? '').toLowerCase();
    if (name === lower) {
      const content = el.getAttribute('content');
      if (content?.trim()) return content;
    }
  }
  return null;
}

/** Whether a page's titles contain `value` (case and spacing aside); true when the page has no other title. */
function agreesWith(value: string, titles: (string | null | undefined)[]): boolean {
  const norm = (t: string) => t.replace(/\s+/g, ' ').trim().toLowerCase();
  const known = titles.filter((t): t is string => Boolean(t?.trim())).map(norm);
  return known.length === 0 || known.some((t) => t.includes(norm(value)));
}

/** JSON-LD inside a CDATA section or an HTML comment (older CMSes wrap it so) is still JSON-LD. */
export function unwrapJsonLd(text: string): string {
  return text
    .trim()
    .replace(/^(?:\/\*\s*)?(?:\/\/\s*)?(?:<!\[CDATA\[|<!--)(?:\s*\*\/)?/, '')
    .replace(/(?:\/\*\s*)?(?:\/\/\s*)?(?:\]\]>|-->)(?:\s*\*\/)?$/, '')
    .trim();
}

function articleJsonLd(document: Doc): { article: JsonObject | null; publisherName: string | null; authorNames: string[] } {
  const nodes: JsonObject[] = [];
  for (const script of document.querySelectorAll('script')) {
    if (script.getAttribute('type')?.trim().toLowerCase() !== 'application/ld+json') continue;
    try {
      collectNodes(JSON.parse(unwrapJsonLd(script.textContent ?? '')), nodes);
    } catch {
      // A broken JSON-LD block says nothing; other blocks may still be readable.
    }
  }
  const byId = new Map(nodes.filter((n) => typeof n['@id'] === 'string').map((n) => [n['@id'] as string, n]));
  const article = nodes.find((n) => types(n).some((t) => ARTICLE_TYPES.has(t))) ?? nodes.find((n) => types(n).includes('WebPage')) ?? null;
  const deref = (value: unknown): unknown => {
    const ref = asObject(value)?.['@id'];
    return typeof ref === 'string' && byId.has(ref) && !asObject(value)?.name ? byId.get(ref) : value;
  };
  let publisher: unknown = article?.publisher;
  if (Array.isArray(publisher)) publisher = publisher[0];
  publisher = deref(publisher);
  const publisherName = typeof publisher === 'string' ? publisher : str(asObject(publisher)?.name);
  const authors = article?.author ?? article?.creator;
  const authorNames = (Array.isArray(authors) ? authors : [authors])
    .map(deref)
    .map((a) => (typeof a === 'string' ? a : str(asObject(a)?.name)))
    .filter((n): n is string => Boolean(n?.trim()));
  return { article, publisherName, authorNames };
}

/**
 * Author names from JSON-LD, else from the first author meta tag that holds a name: never a
 * profile URL (`article:author` often is one), never the publisher's own name repeated.
 */
function byline(publisher: string | null, ldNames: string[], metaValues: (string | null)[]): string | null {
  const usable = (name: string) => {
    const flat = name.replace(/\s+/g, ' ').trim();
    return flat !== '' && !/^(https?:)?\/\//i.test(flat) && flat.toLowerCase() !== publisher?.toLowerCase();
  };
  const fromLd = [...new Set(ldNames.map((n) => n.replace(/\s+/g, ' ').trim()).filter(usable))];
  if (fromLd.length) return fromLd.join(', ');
  return metaValues.find((v): v is string => v !== null && usable(v))?.replace(/\s+/g, ' ').trim() ?? null;
}

function collectNodes(value: unknown, into: JsonObject[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectNodes(item, into);
    return;
  }
  const object = asObject(value);
  if (!object) return;
  into.push(object);
  if (object['@graph']) collectNodes(object['@graph'], into);
}

/** `@type` values without a vocabulary prefix ("schema:NewsArticle", "https://schema.org/NewsArticle"). */
function types(node: JsonObject): string[] {
  const t = node['@type'];
  return (Array.isArray(t) ? t : [t]).filter((x): x is string => typeof x === 'string').map((x) => x.replace(/^.*[/:#]/, ''));
}

function asObject(value: unknown): JsonObject | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function firstText(...values: (string | null | undefined)[]): string | null {
  for (const value of values) {
    const text = value?.replace(/\s+/g, ' ').trim();
    if (text) return text;
  }
  return null;
}

function firstUrl(base: string | null, values: (string | null | undefined)[]): string | null {
  for (const value of values) {
    if (!value?.trim()) continue;
    try {
      const url = base ? new URL(value.trim(), base) : new URL(value.trim());
      if (url.protocol === 'http:' || url.protocol === 'https:') {
        url.hash = '';
        return url.toString();
      }
    } catch {
      // Not a URL: try the next declaration.
    }
  }
  return null;
}

function firstDate(...values: (string | null | undefined)[]): string | null {
  for (const value of values) {
    const date = normalizeDate(value);
    if (date) return date;
  }
  return null;
}

function firstLanguage(...values: (string | null | undefined)[]): string | null {
  for (const value of values) {
    const language = normalizeLanguage(value);
    if (language) return language;
  }
  return null;
}
