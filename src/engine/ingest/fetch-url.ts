import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import { checkAddress, normalizeAddress } from './address-policy.js';
import { charsetOf, mimeOf } from './decode-text.js';
import { IngestError, describeUrl, formatBytes } from './ingest-error.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface FetchUrlOptions {
  /**
   * FOR TESTS ONLY (config `INGEST_ALLOW_HOSTS`): hosts or addresses exempt from the
   * address policy, so tests can serve pages from 127.0.0.1. Matched against the URL's
   * host name and against each resolved address. Never set it in production.
   */
  allowHosts?: readonly string[];
  /** Whole-fetch deadline, redirects included. Default 10 s. */
  timeoutMs?: number;
  /** Body cap in bytes, after decompression. Default 5 MB. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  /**
   * Skip the Content-Type check, for downloading a chat attachment (CDNs label files
   * application/octet-stream); the caller must then type the bytes by content
   * (`extractArticle` does).
   */
  anyContentType?: boolean;
  /** Host name resolution; defaults to `dns.lookup(host, { all: true })`. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export interface FetchedDocument {
  /** The URL as asked. */
  requestedUrl: string;
  /** The URL the body came from, after redirects. */
  url: string;
  /** Bare media type, e.g. "text/html". */
  mime: string | null;
  charset: string | null;
  body: Buffer;
}

export const DOCUMENT_MIME_TYPES: readonly string[] = [
  'text/html',
  'application/xhtml+xml',
  'text/plain',
  'text/markdown',
  'text/x-markdown',
  'application/pdf',
];

export const FETCH_DEFAULTS = { timeoutMs: 10_000, maxBytes: 5 * 1024 * 1024, maxRedirects: 5 } as const;

const RANGE_NAMES: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  uniqueLocal: 'private (unique local)',
  linkLocal: 'link-local',
  multicast: 'multicast',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  carrierGradeNat: 'carrier-grade NAT',
  reserved: 'reserved',
  invalid: 'invalid',
};

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'DepecheIngest/0.1 (+news coverage bot)';

/**
 * Fetches a document over http(s) without letting the URL reach anything internal: the
 * host is resolved once per hop, every resolved address must pass the address policy, and
 * the connection is made to that checked address (no second DNS answer can swap it).
 * Redirects are followed by hand and re-checked; time, size and content type are capped.
 *
 * @example await fetchUrl('https://example.org/a') // { url, mime: 'text/html', charset: 'utf-8', body: <Buffer> }
 * @throws IngestError with codes BAD_URL, UNSUPPORTED_SCHEME, FORBIDDEN_ADDRESS, DNS_FAILED,
 *   TOO_MANY_REDIRECTS, TIMEOUT, TOO_LARGE, NOT_A_DOCUMENT, HTTP_STATUS, FETCH_FAILED
 */
export async function fetchUrl(input: string, options: FetchUrlOptions = {}): Promise<FetchedDocument> {
  const timeoutMs = options.timeoutMs ?? FETCH_DEFAULTS.timeoutMs;
  const maxRedirects = options.maxRedirects ?? FETCH_DEFAULTS.maxRedirects;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let url = parseHttpUrl(input);
    let from: URL | undefined;
    for (let hop = 0; ; hop++) {
      const pinned = await untilAborted(resolveChecked(url, options, from), controller.signal);
      const response = await request(url, pinned, controller.signal, timeoutMs);
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(response.statusCode ?? 0) && location) {
        response.resume();
        if (hop >= maxRedirects) {
          throw new IngestError('TOO_MANY_REDIRECTS', `Refused ${describeUrl(input)}: more than ${maxRedirects} redirects.`);
        }
        from = url;
        url = parseHttpUrl(resolveLocation(location, url), url);
        continue;
      }
      return await readDocument(input, url, response, options, controller.signal, timeoutMs);
    }
  } catch (error) {
    if (controller.signal.aborted && !(error instanceof IngestError && error.code !== 'FETCH_FAILED')) {
      throw new IngestError('TIMEOUT', `Gave up on ${describeUrl(input)}: no complete answer within ${timeoutMs / 1000} s.`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function resolveLocation(location: string, base: URL): string {
  try {
    return new URL(location, base).toString();
  } catch {
    throw new IngestError('BAD_URL', `Refused ${describeUrl(base)}: it redirects to an invalid URL.`);
  }
}

/** DNS lookups ignore abort signals; this lets the deadline win anyway. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function parseHttpUrl(text: string, from?: URL): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new IngestError('BAD_URL', `Not a valid URL: ${JSON.stringify(text.slice(0, 200))}.`);
  }
  const where = from ? ` (redirected from ${describeUrl(from)})` : '';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new IngestError('UNSUPPORTED_SCHEME', `Refused ${url.protocol}// URL${where}: only http and https are fetched.`);
  }
  if (url.username || url.password) {
    throw new IngestError('BAD_URL', `Refused ${describeUrl(url)}${where}: URLs carrying credentials are not fetched.`);
  }
  return url;
}

/** Resolves the URL's host and checks every address; returns the one to connect to. */
async function resolveChecked(url: URL, options: FetchUrlOptions, from?: URL): Promise<ResolvedAddress> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const allow = new Set((options.allowHosts ?? []).map((h) => normalizeAddress(h) ?? h.toLowerCase()));
  const hostAllowed = allow.has(normalizeAddress(host) ?? host.toLowerCase());
  let addresses: ResolvedAddress[];
  if (normalizeAddress(host) !== null) {
    addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  } else {
    const resolve = options.resolve ?? ((h: string) => dnsLookup(h, { all: true, verbatim: true }));
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw new IngestError('DNS_FAILED', `Could not resolve host ${host}.`, { cause: error });
    }
    if (addresses.length === 0) throw new IngestError('DNS_FAILED', `Could not resolve host ${host}.`);
  }
  for (const entry of addresses) {
    const verdict = checkAddress(entry.address);
    if (verdict.allowed || hostAllowed || allow.has(normalizeAddress(entry.address) ?? '')) continue;
    // One bad answer refuses the host: a name mixing public and internal addresses is suspect.
    const where = from ? ` (redirected from ${describeUrl(from)})` : '';
    const literal = normalizeAddress(host) !== null;
    const why = !literal ? `${host} resolves to ${verdict.address}, a` : verdict.address === host ? `${host} is a` : `${host} stands for ${verdict.address}, a`;
    throw new IngestError(
      'FORBIDDEN_ADDRESS',
      `Refused ${describeUrl(url)}${where}: ${why} ${RANGE_NAMES[verdict.range] ?? verdict.range} address.`,
    );
  }
  const first = addresses[0];
  if (!first) throw new IngestError('DNS_FAILED', `Could not resolve host ${host}.`);
  return first;
}

/** A lookup that always answers with the address already checked (no DNS rebinding). */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return ((_hostname: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (opts?.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  }) as unknown as LookupFunction;
}

function request(url: URL, pinned: ResolvedAddress, signal: AbortSignal, timeoutMs: number): Promise<http.IncomingMessage> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: 'GET',
        // A fresh agent per hop: never reuse a socket opened for another address.
        agent: false,
        lookup: pinnedLookup(pinned),
        signal,
        timeout: timeoutMs,
        headers: {
          'user-agent': USER_AGENT,
          accept: 'text/html,application/xhtml+xml,text/markdown;q=0.9,text/plain;q=0.8',
          'accept-encoding': 'gzip, deflate, br',
        },
      },
      resolve,
    );
    req.on('timeout', () => req.destroy(new Error('socket timeout')));
    req.on('error', (error) =>
      reject(
        signal.aborted
          ? error
          : new IngestError('FETCH_FAILED', `Could not fetch ${describeUrl(url)}: ${shortReason(error)}.`, { cause: error }),
      ),
    );
    req.end();
  });
}

async function readDocument(
  requestedUrl: string,
  url: URL,
  response: http.IncomingMessage,
  options: FetchUrlOptions,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<FetchedDocument> {
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    response.resume();
    throw new IngestError('HTTP_STATUS', `Could not fetch ${describeUrl(url)}: the server answered HTTP ${status}.`);
  }
  const contentType = headerValue(response.headers['content-type']);
  const mime = mimeOf(contentType);
  if (mime !== null && !options.anyContentType && !DOCUMENT_MIME_TYPES.includes(mime)) {
    response.destroy();
    throw new IngestError(
      'NOT_A_DOCUMENT',
      `Refused ${describeUrl(url)}: content type ${mime} is not a document (HTML, PDF, Markdown or plain text).`,
    );
  }
  const maxBytes = options.maxBytes ?? FETCH_DEFAULTS.maxBytes;
  const declared = Number(headerValue(response.headers['content-length']) ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge(url, maxBytes);
  }
  const body = await readCapped(decoded(response), maxBytes, url, signal, timeoutMs);
  return { requestedUrl, url: url.toString(), mime, charset: charsetOf(contentType), body };
}

function decoded(response: http.IncomingMessage): Readable {
  const encoding = headerValue(response.headers['content-encoding'])?.trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return response.pipe(zlib.createGunzip());
  if (encoding === 'deflate') return response.pipe(zlib.createInflate());
  if (encoding === 'br') return response.pipe(zlib.createBrotliDecompress());
  return response;
}

/** Streams the body, stopping as soon as it passes the cap (decompressed bytes count). */
function readCapped(stream: Readable, maxBytes: number, url: URL, signal: AbortSignal, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (error: Error) => {
      stream.destroy();
      reject(error);
    };
    const onAbort = () =>
      fail(new IngestError('TIMEOUT', `Gave up on ${describeUrl(url)}: no complete answer within ${timeoutMs / 1000} s.`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return fail(tooLarge(url, maxBytes));
      chunks.push(chunk);
    });
    stream.on('end', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(chunks));
    });
    stream.on('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      if (!signal.aborted) reject(new IngestError('FETCH_FAILED', `Could not read ${describeUrl(url)}: ${shortReason(error)}.`));
    });
  });
}

function tooLarge(url: URL, maxBytes: number): IngestError {
  return new IngestError('TOO_LARGE', `Refused ${describeUrl(url)}: the document is larger than ${formatBytes(maxBytes)}.`);
}

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function shortReason(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message.split('\n')[0] ?? 'error' : 'error';
}

/**
 * Reads the test-only allowlist from `INGEST_ALLOW_HOSTS` (comma-separated hosts or
 * addresses, e.g. "127.0.0.1"). Empty or unset: no exemption, which is what production wants.
 */
export function allowHostsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return (env.INGEST_ALLOW_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
}
