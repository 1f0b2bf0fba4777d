/**
 * Every refusal of the ingest path, by code, with the parameters an adapter needs to say it
 * in the reader's language (the bot renders them through its i18n; the CLI prints the English
 * message built here). Messages are one line, safe to show a moderator (no secrets, no
 * stack, no raw range names), and say what was refused and why in plain words.
 */

/** Where a refused address belongs, in words a moderator understands. */
export type AddressKind = 'this_machine' | 'private' | 'link_local' | 'multicast' | 'reserved';
/** Why a connection failed, without errno jargon. */
export type FetchFailure = 'refused' | 'reset' | 'certificate' | 'unreachable' | 'other';

/** A refused thing is either a web address (`url`, credentials and query cut) or a file (`file`, its name). */
export type Subject = { url: string; file?: undefined } | { file: string; url?: undefined };

/** `from`: the address that redirected there, when a redirect led to the refusal. */
type Redirected = { from?: string };

export interface IngestErrorParams {
  NO_INPUT: Record<string, never>;
  FILE_UNREADABLE: { file: string; why: 'missing' | 'not_a_file' | 'unreadable' };
  BAD_URL: { text: string; why: 'invalid' } | ({ url: string; why: 'credentials' | 'bad_redirect' } & Redirected);
  UNSUPPORTED_SCHEME: { scheme: string } & Redirected;
  FORBIDDEN_ADDRESS: { url: string; host: string; address: string; kind: AddressKind } & Redirected;
  DNS_FAILED: { host: string };
  TOO_MANY_REDIRECTS: { url: string; max: number };
  TIMEOUT: { url: string; seconds: number };
  TOO_LARGE: Subject & { limit: string };
  NOT_A_DOCUMENT: Subject & { detected: string };
  NOT_A_PDF: Subject;
  HTTP_STATUS: { url: string; status: number };
  FETCH_FAILED: { url: string; why: FetchFailure };
  EMPTY_DOCUMENT: Partial<Subject>;
  NOT_FOUND: { id: string };
  LAST_ARTICLE: { id: string; title: string };
  /** Replacing an article whose text came from elsewhere needs the replace option. */
  NEEDS_REPLACE: { id: string; title: string; url: string };
  LOCKED: Record<string, never>;
  /** Extraction bounds (document-budget.ts): the document passed one before or while being extracted. */
  TOO_COMPLEX: { measure: ComplexityMeasure; limit: number };
  EXTRACT_TIMEOUT: { seconds: number };
  EXTRACT_MEMORY: { megabytes: number };
  /** Counted exactly (`passages`), or refused on its word count before cutting (`words`, `wordLimit`). */
  TOO_MANY_PASSAGES: { passages: number; limit: number } | { words: number; wordLimit: number; limit: number };
}

/** Which shape bound a document passed: start tags, nesting, PDF pages, bytes its PDF streams inflate to. */
export type ComplexityMeasure = 'elements' | 'depth' | 'pdf-pages' | 'pdf-inflated-bytes';

const COMPLEXITY_WORDS: { [M in ComplexityMeasure]: (limit: number) => string } = {
  elements: (limit) => `the page is too complex to extract: more than ${limit} elements`,
  depth: (limit) => `the page is too complex to extract: elements nested more than ${limit} deep`,
  'pdf-pages': (limit) => `the PDF is too long to extract: more than ${limit} pages`,
  'pdf-inflated-bytes': (limit) => `the PDF is too complex to extract: its compressed content expands past ${formatBytes(limit)}`,
};

export type IngestErrorCode = keyof IngestErrorParams;

const subject = (p: Partial<Subject>) => (p.file !== undefined ? `file "${p.file}"` : (p.url ?? 'the page'));
const via = (p: Redirected) => (p.from ? ` (redirected from ${p.from})` : '');

export const ADDRESS_KIND_WORDS: Record<AddressKind, string> = {
  this_machine: 'it means this machine itself',
  private: 'it belongs to a private network',
  link_local: 'it is a local-network address',
  multicast: 'it is a broadcast or multicast address',
  reserved: 'it is in a reserved range, not the public internet',
};

const FAILURE_WORDS: Record<FetchFailure, string> = {
  refused: 'the server refused the connection',
  reset: 'the connection was cut',
  certificate: 'its security certificate is not valid',
  unreachable: 'the server cannot be reached',
  other: 'the connection failed',
};

/** English messages: what the CLI prints and the log records. The bot has its own fr/en copies. */
export const INGEST_MESSAGES: { [C in IngestErrorCode]: (p: IngestErrorParams[C]) => string } = {
  NO_INPUT: () => 'Give exactly one URL or one file to ingest.',
  FILE_UNREADABLE: (p) =>
    `Cannot ingest "${p.file}": ${p.why === 'missing' ? 'there is no such file' : p.why === 'not_a_file' ? 'it is not a regular file' : 'it cannot be read'}.`,
  BAD_URL: (p) =>
    p.why === 'invalid'
      ? `Not a valid web address: "${p.text}".`
      : p.why === 'credentials'
        ? `Refused ${p.url}${via(p)}: addresses carrying a user name or password are not fetched.`
        : `Refused ${p.url}: it redirects to an invalid address.`,
  UNSUPPORTED_SCHEME: (p) => `Refused a "${p.scheme}" address${via(p)}: only web pages (http and https) are fetched.`,
  FORBIDDEN_ADDRESS: (p) =>
    `Refused ${p.url}${via(p)}: ${p.host === p.address ? p.address : `${p.host} leads to ${p.address}, which`} is not a public internet address (${ADDRESS_KIND_WORDS[p.kind]}).`,
  DNS_FAILED: (p) => `Could not find the site "${p.host}": no address is known for this name.`,
  TOO_MANY_REDIRECTS: (p) => `Refused ${p.url}: it redirects more than ${p.max} times.`,
  TIMEOUT: (p) => `Gave up on ${p.url}: no complete answer within ${p.seconds} s.`,
  TOO_LARGE: (p) => `Refused ${subject(p)}: it is larger than ${p.limit}.`,
  NOT_A_DOCUMENT: (p) => `Refused ${subject(p)}: it is ${p.detected}, not a document (HTML, PDF, Markdown or plain text).`,
  NOT_A_PDF: (p) => `Refused ${subject(p)}: it starts like a PDF but cannot be read as one.`,
  HTTP_STATUS: (p) => `Could not fetch ${p.url}: the server answered with error ${p.status}.`,
  FETCH_FAILED: (p) => `Could not fetch ${p.url}: ${FAILURE_WORDS[p.why]}.`,
  EMPTY_DOCUMENT: (p) => `${p.file !== undefined ? `File "${p.file}"` : 'The page'} has no article text left after removing menus, ads and other page furniture.`,
  NOT_FOUND: (p) => `No article with id "${p.id}".`,
  LAST_ARTICLE: (p) => `Not removing «${p.title}» (${p.id}): it is the last article of the coverage.`,
  NEEDS_REPLACE: (p) =>
    `Not replacing «${p.title}» (${p.id}): that article comes from ${p.url} and this text does not. To replace it on purpose, ingest again with --replace.`,
  LOCKED: () => 'Another ingest or removal is writing the corpus; try again in a moment.',
  TOO_COMPLEX: (p) => `Refused: ${COMPLEXITY_WORDS[p.measure](p.limit)}.`,
  EXTRACT_TIMEOUT: (p) => `Refused: extracting the text took longer than ${p.seconds} s, so it was stopped.`,
  EXTRACT_MEMORY: (p) => `Refused: extracting the text needed more than ${p.megabytes} MB of memory, so it was stopped.`,
  TOO_MANY_PASSAGES: (p) =>
    'words' in p
      ? `Refused: the article is too long (${p.words} words; the limit is ${p.limit} passages, ${p.wordLimit} words, per article).`
      : `Refused: the article is too long (${p.passages} passages; the limit is ${p.limit} per article).`,
};

export class IngestError extends Error {
  readonly code: IngestErrorCode;
  /** The message's parameters, for adapters that say it in another language (empty for a message-only error). */
  readonly params: Readonly<Record<string, unknown>>;

  constructor(code: IngestErrorCode, message: string, options?: { cause?: unknown; params?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IngestError';
    this.code = code;
    this.params = Object.freeze({ ...(options?.params ?? {}) });
  }
}

/**
 * `ingestError('DNS_FAILED', { host })`: an IngestError with its English message and the
 * parameters the bot translates.
 */
export function ingestError<C extends IngestErrorCode>(code: C, params: IngestErrorParams[C], options?: { cause?: unknown }): IngestError {
  const message = (INGEST_MESSAGES[code] as (p: IngestErrorParams[C]) => string)(params);
  return new IngestError(code, message, { cause: options?.cause, params: params as Record<string, unknown> });
}

export function isIngestError(error: unknown): error is IngestError {
  return error instanceof IngestError;
}

/** A URL fit for messages: no credentials, no query string (tokens often hide there), no control characters. */
export function describeUrl(url: URL | string): string {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    return `${u.protocol}//${u.host}${u.pathname}`.slice(0, 300);
  } catch {
    return '(invalid URL)';
  }
}

/** "5 MB", "1 KB": sizes in messages. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
