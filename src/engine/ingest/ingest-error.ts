/**
 * Every refusal of the ingest path, by code. Messages are one line, safe to show a
 * moderator (no secrets, no stack), and say what was refused and why.
 */
export type IngestErrorCode =
  | 'NO_INPUT'
  | 'FILE_UNREADABLE'
  | 'BAD_URL'
  | 'UNSUPPORTED_SCHEME'
  | 'FORBIDDEN_ADDRESS'
  | 'DNS_FAILED'
  | 'TOO_MANY_REDIRECTS'
  | 'TIMEOUT'
  | 'TOO_LARGE'
  | 'NOT_A_DOCUMENT'
  | 'HTTP_STATUS'
  | 'FETCH_FAILED'
  | 'EMPTY_DOCUMENT'
  | 'NOT_FOUND'
  | 'LAST_ARTICLE'
  | 'LOCKED';

export class IngestError extends Error {
  readonly code: IngestErrorCode;

  constructor(code: IngestErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IngestError';
    this.code = code;
  }
}

export function isIngestError(error: unknown): error is IngestError {
  return error instanceof IngestError;
}

/** A URL fit for messages: no credentials, no query string (tokens often hide there). */
export function describeUrl(url: URL | string): string {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** "5 MB", "1 KB": sizes in messages. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
