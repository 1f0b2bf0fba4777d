import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import { pipeline, type Readable } from 'node:stream';
import { addressKind, checkAddress, normalizeAddress } from './address-policy.js';
import { charsetOf, mimeOf } from './decode-text.js';
import { IngestError, describeUrl, formatBytes, ingestError, type FetchFailure } from './ingest-error.js';
import { cleanLine } from './clean-metadata.js';

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
  /**
   * The body in the pieces it arrived in. Hand these to a worker (extractInWorker does): joining
   * megabytes into one fresh buffer stalls an event loop for tens of milliseconds (page faults).
   */
  chunks: Buffer[];
  /** The body as one buffer, joined on first read (a copy of `chunks`: fine outside a bot's event loop). */
  readonly body: Buffer;
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

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'DepecheIngest/0.1 (+news coverage bot)';

/**
 * Fetches a document over http(s) without letting the URL reach anything internal: the
 * host is resolved once per hop, every resolved address must pass the address policy, and
 * the connection is made to that checked address (no second DNS answer can swap it).
 * Redirects are followed by hand and re-checked; time, size and content type are capped.
 *
 * @example await fetchUrl('https://example.org/a') // { url, mime: 'text/html', charset: 'utf-8', chunks: [<Buffer>…], body: <Buffer> }
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
          throw ingestError('TOO_MANY_REDIRECTS', { url: describeUrl(input), max: maxRedirects });
        }
        from = url;
        url = parseHttpUrl(resolveLocation(location, url), url);
        continue;
      }
      return await readDocument(input, url, response, options, controller.signal, timeoutMs);
    }
  } catch (error) {
    if (controller.signal.aborted && !(error instanceof IngestError && error.code !== 'FETCH_FAILED')) {
      throw ingestError('TIMEOUT', { url: describeUrl(input), seconds: timeoutMs / 1000 });
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
    throw ingestError('BAD_URL', { url: describeUrl(base), why: 'bad_redirect' });
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
    throw ingestError('BAD_URL', { text: cleanLine(text, 200), why: 'invalid' });
  }
  const where = from ? { from: describeUrl(from) } : {};
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw ingestError('UNSUPPORTED_SCHEME', { scheme: cleanLine(url.protocol, 40), ...where });
  }
  if (url.username || url.password) {
    throw ingestError('BAD_URL', { url: describeUrl(url), why: 'credentials', ...where });
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
      throw ingestError('DNS_FAILED', { host: cleanLine(host, 253) }, { cause: error });
    }
    if (addresses.length === 0) throw ingestError('DNS_FAILED', { host: cleanLine(host, 253) });
  }
  for (const entry of addresses) {
    const verdict = checkAddress(entry.address);
    if (verdict.allowed || hostAllowed || allow.has(normalizeAddress(entry.address) ?? '')) continue;
    // One bad answer refuses the host: a name mixing public and internal addresses is suspect.
    throw ingestError('FORBIDDEN_ADDRESS', {
      url: describeUrl(url),
      host: cleanLine(host, 253),
      address: verdict.address,
      kind: addressKind(verdict.range),
      ...(from ? { from: describeUrl(from) } : {}),
    });
  }
  const first = addresses[0];
  if (!first) throw ingestError('DNS_FAILED', { host: cleanLine(host, 253) });
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
          : ingestError('FETCH_FAILED', { url: describeUrl(url), why: failure(error) }, { cause: error }),
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
    throw ingestError('HTTP_STATUS', { url: describeUrl(url), status });
  }
  const contentType = headerValue(response.headers['content-type']);
  const mime = mimeOf(contentType);
  if (mime !== null && !options.anyContentType && !DOCUMENT_MIME_TYPES.includes(mime)) {
    response.destroy();
    throw ingestError('NOT_A_DOCUMENT', { url: describeUrl(url), detected: cleanLine(mime, 100) });
  }
  const maxBytes = options.maxBytes ?? FETCH_DEFAULTS.maxBytes;
  const declared = Number(headerValue(response.headers['content-length']) ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge(url, maxBytes);
  }
  const chunks = await readCapped(response, decoded(response), maxBytes, url, signal, timeoutMs);
  let joined: Buffer | null = null;
  return {
    requestedUrl,
    url: url.toString(),
    mime,
    charset: charsetOf(contentType),
    chunks,
    get body() {
      joined ??= Buffer.concat(chunks);
      return joined;
    },
  };
}

/**
 * The body as sent, decompressed. `pipeline` ties the two streams: destroying the
 * decompressor (a refused bomb) destroys the response and so closes its socket.
 */
function decoded(response: http.IncomingMessage): Readable {
  const encoding = headerValue(response.headers['content-encoding'])?.trim().toLowerCase();
  const decompressor =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : null;
  if (!decompressor) return response;
  // Errors surface on the decompressor, which readCapped listens to.
  return pipeline(response, decompressor, () => {});
}

/**
 * Streams the body, stopping as soon as it passes the cap (decompressed bytes count); a refusal
 * closes the connection. Resolves with the chunks as they came, never joined here.
 */
function readCapped(
  response: http.IncomingMessage,
  stream: Readable,
  maxBytes: number,
  url: URL,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (error: Error) => {
      stream.destroy();
      response.destroy();
      reject(error);
    };
    const onAbort = () => fail(ingestError('TIMEOUT', { url: describeUrl(url), seconds: timeoutMs / 1000 }));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return fail(tooLarge(url, maxBytes));
      chunks.push(chunk);
    });
    stream.on('end', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(chunks);
    });
    stream.on('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      response.destroy();
      if (!signal.aborted) reject(ingestError('FETCH_FAILED', { url: describeUrl(url), why: failure(error) }));
    });
  });
}

function tooLarge(url: URL, maxBytes: number): IngestError {
  return ingestError('TOO_LARGE', { url: describeUrl(url), limit: formatBytes(maxBytes) });
}

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** An errno or TLS code in a few plain kinds. */
function failure(error: unknown): FetchFailure {
  const code = String((error as { code?: unknown })?.code ?? '');
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'reset';
  if (/CERT|SSL|TLS|SELF_SIGNED|ERR_TLS/.test(code)) return 'certificate';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT') return 'unreachable';
  return 'other';
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
