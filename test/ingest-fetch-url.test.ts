import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchUrl, type FetchUrlOptions } from '../src/engine/ingest/fetch-url.js';
import { IngestError } from '../src/engine/ingest/ingest-error.js';
import { fixture, HUGE_TOTAL_BYTES, startPageServer, type PageServer } from './fixtures/ingest/page-server.js';

// Every request goes to the local page server on 127.0.0.1; refused addresses are refused
// before any connection is attempted.
let server: PageServer;
const testOnly: FetchUrlOptions = { allowHosts: ['127.0.0.1'] };

beforeAll(async () => {
  server = await startPageServer();
});
afterAll(async () => {
  await server.close();
});

async function refusal(promise: Promise<unknown>): Promise<IngestError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IngestError);
  const ingestError = error as IngestError;
  expect(ingestError.message).not.toContain('\n');
  return ingestError;
}

describe('fetchUrl', () => {
  it('fetches an allowlisted local page with its content type and charset', async () => {
    const doc = await fetchUrl(`${server.origin}/news/stargate`, testOnly);
    expect(doc.mime).toBe('text/html');
    expect(doc.charset).toBe('utf-8');
    expect(doc.body.toString('utf8')).toContain('Stargate');
    expect(doc.url).toBe(`${server.origin}/news/stargate`);
  });

  it('refuses loopback without the test-only allowlist, before sending anything', async () => {
    const before = server.log.length;
    const error = await refusal(fetchUrl(`${server.origin}/news/stargate`));
    expect(error.code).toBe('FORBIDDEN_ADDRESS');
    expect(error.message).toBe(`Refused ${server.origin}/news/stargate: 127.0.0.1 is not a public internet address (it means this machine itself).`);
    expect(server.log.length).toBe(before);
  });

  it('refuses a host name that resolves to loopback (localhost)', async () => {
    const error = await refusal(fetchUrl(`http://localhost:${server.port}/news/stargate`));
    expect(error.code).toBe('FORBIDDEN_ADDRESS');
    expect(error.message).toMatch(/localhost leads to (127\.0\.0\.1|::1), which is not a public internet address \(it means this machine itself\)/);
  });

  it('refuses a host when any of its addresses is internal', async () => {
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    const error = await refusal(fetchUrl('https://mixed.example/a', { resolve }));
    expect(error.code).toBe('FORBIDDEN_ADDRESS');
    expect(error.message).toBe('Refused https://mixed.example/a: mixed.example leads to 10.0.0.7, which is not a public internet address (it belongs to a private network).');
  });

  it.each([
    ['http://[::1]/', '::1 is not a public internet address (it means this machine itself)'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1 leads to 127.0.0.1, which is not a public internet address (it means this machine itself)'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is not a public internet address (it is a local-network address)'],
    ['http://0.0.0.0/', '0.0.0.0 is not a public internet address (it means this machine itself)'],
    ['http://[fc00::1]/', 'fc00::1 is not a public internet address (it belongs to a private network)'],
    ['http://10.0.0.1/', '10.0.0.1 is not a public internet address (it belongs to a private network)'],
    ['http://0x7f.1/', '127.0.0.1 is not a public internet address (it means this machine itself)'],
    ['http://[2002:7f00:1::]/', 'is not a public internet address (it is in a reserved range, not the public internet)'],
    ['http://[fec0::1]/', 'fec0::1 is not a public internet address (it belongs to a private network)'],
  ])('refuses the literal address in %s', async (url, reason) => {
    const error = await refusal(fetchUrl(url, { timeoutMs: 1000 }));
    expect(error.code).toBe('FORBIDDEN_ADDRESS');
    expect(error.message).toContain(reason);
  });

  it.each([
    ['file:///etc/passwd', 'UNSUPPORTED_SCHEME'],
    ['ftp://example.org/a', 'UNSUPPORTED_SCHEME'],
    ['javascript:alert(1)', 'UNSUPPORTED_SCHEME'],
    ['not a url', 'BAD_URL'],
    ['http://user:secret@example.org/', 'BAD_URL'],
  ])('refuses %s with %s', async (url, code) => {
    const error = await refusal(fetchUrl(url));
    expect(error.code).toBe(code);
    expect(error.message).not.toContain('secret');
  });

  it('connects to the address it checked, not to a second DNS answer', async () => {
    let calls = 0;
    const resolve = async () => {
      calls++;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    // news.test does not exist in DNS: the request can only reach the server through the pinned address.
    const doc = await fetchUrl(`http://news.test:${server.port}/news/stargate`, { ...testOnly, resolve });
    expect(doc.body.toString('utf8')).toContain('Stargate');
    expect(calls).toBe(1);
    expect(server.log.at(-1)).toBe(`GET /news/stargate news.test:${server.port}`);
  });

  it('follows a redirect chain (relative and absolute, 301/307/308) and reports the final URL', async () => {
    const doc = await fetchUrl(`${server.origin}/redirect/1`, testOnly);
    expect(doc.url).toBe(`${server.origin}/news/stargate`);
    expect(doc.requestedUrl).toBe(`${server.origin}/redirect/1`);
  });

  it('refuses more than 5 redirects', async () => {
    const error = await refusal(fetchUrl(`${server.origin}/loop`, testOnly));
    expect(error.code).toBe('TOO_MANY_REDIRECTS');
    expect(error.message).toBe(`Refused ${server.origin}/loop: it redirects more than 5 times.`);
    expect(server.log.filter((l) => l.startsWith('GET /loop')).length).toBeLessThanOrEqual(6);
  });

  it.each([
    ['/to-metadata', 'Refused http://169.254.169.254/latest/meta-data/ (redirected from {origin}/to-metadata): 169.254.169.254 is not a public internet address (it is a local-network address).'],
    ['/to-ipv6-loopback', 'Refused http://[::1]:{port}/news/stargate (redirected from {origin}/to-ipv6-loopback): ::1 is not a public internet address (it means this machine itself).'],
    ['/to-mapped-private', 'leads to 10.0.0.1, which is not a public internet address (it belongs to a private network).'],
  ])('re-checks the address of a redirect hop (%s)', async (path, message) => {
    const error = await refusal(fetchUrl(`${server.origin}${path}`, testOnly));
    expect(error.code).toBe('FORBIDDEN_ADDRESS');
    expect(error.message).toContain(message.replace('{origin}', server.origin).replace('{port}', String(server.port)));
  });

  it('refuses a redirect to another scheme', async () => {
    const error = await refusal(fetchUrl(`${server.origin}/to-file`, testOnly));
    expect(error.code).toBe('UNSUPPORTED_SCHEME');
    expect(error.message).toBe(`Refused a "file:" address (redirected from ${server.origin}/to-file): only web pages (http and https) are fetched.`);
  });

  it('refuses a redirect to an invalid URL', async () => {
    const error = await refusal(fetchUrl(`${server.origin}/to-nowhere`, testOnly));
    expect(error.code).toBe('BAD_URL');
    expect(error.message).toBe(`Refused ${server.origin}/to-nowhere: it redirects to an invalid address.`);
  });

  it('stops reading a body past the size cap and hangs up', async () => {
    const error = await refusal(fetchUrl(`${server.origin}/huge`, testOnly));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toBe(`Refused ${server.origin}/huge: it is larger than 5 MB.`);
    await new Promise((r) => setTimeout(r, 100));
    // The server had 64 MB to send; the client hung up soon after 5 MB (plus socket buffers).
    expect(server.hugeBytesSent()).toBeLessThan(HUGE_TOTAL_BYTES / 2);
  });

  it('refuses a declared Content-Length over the cap without reading the body', async () => {
    const error = await refusal(fetchUrl(`${server.origin}/huge-declared`, { ...testOnly, maxBytes: 1024 * 1024 }));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toContain('larger than 1 MB');
  });

  it('refuses content types that are not documents', async () => {
    const error = await refusal(fetchUrl(`${server.origin}/image.png`, testOnly));
    expect(error.code).toBe('NOT_A_DOCUMENT');
    expect(error.message).toBe(
      `Refused ${server.origin}/image.png: it is image/png, not a document (HTML, PDF, Markdown or plain text).`,
    );
  });

  it('downloads any content type when asked (attachments are typed by content later)', async () => {
    const doc = await fetchUrl(`${server.origin}/image.png`, { ...testOnly, anyContentType: true });
    expect(doc.mime).toBe('image/png');
    expect(doc.body.subarray(1, 4).toString()).toBe('PNG');
  });

  it('gives up on a slow body at the deadline', async () => {
    const started = Date.now();
    const error = await refusal(fetchUrl(`${server.origin}/slow-body`, { ...testOnly, timeoutMs: 400 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe(`Gave up on ${server.origin}/slow-body: no complete answer within 0.4 s.`);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('gives up on a host name that takes too long to resolve', async () => {
    const resolve = () => new Promise<never>(() => undefined);
    const error = await refusal(fetchUrl('https://slow-dns.example/a', { resolve, timeoutMs: 200 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe('Gave up on https://slow-dns.example/a: no complete answer within 0.2 s.');
  });

  it('says when a host name does not resolve', async () => {
    const resolve = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    const error = await refusal(fetchUrl('https://nowhere.example/a', { resolve }));
    expect(error.code).toBe('DNS_FAILED');
    expect(error.message).toBe('Could not find the site "nowhere.example": no address is known for this name.');
  });

  it('names a host with trailing dots in quotes, not run into the sentence (localhost..)', async () => {
    const resolve = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    const error = await refusal(fetchUrl('http://localhost../', { resolve }));
    expect(error.message).toBe('Could not find the site "localhost..": no address is known for this name.');
    expect(error.params).toEqual({ host: 'localhost..' });
  });

  it('words a refused scheme plainly (data:, not "data://")', async () => {
    const error = await refusal(fetchUrl('data:text/html,<p>Bonjour</p>'));
    expect(error.message).toBe('Refused a "data:" address: only web pages (http and https) are fetched.');
    expect(error.params).toEqual({ scheme: 'data:' });
  });

  it('carries each refusal’s parameters for the bot to translate, with plain kinds instead of range names', async () => {
    const error = await refusal(fetchUrl('http://[2002:7f00:1::]/', { timeoutMs: 1000 }));
    expect(error.params).toMatchObject({ kind: 'reserved', host: '2002:7f00:1::' });
    expect(error.message).not.toMatch(/6to4|deprecatedSiteLocal|unspecified|a unspecified/);
  });

  it('gives up on a server that never answers', async () => {
    const error = await refusal(fetchUrl(`${server.origin}/stall`, { ...testOnly, timeoutMs: 300 }));
    expect(error.code).toBe('TIMEOUT');
  });

  it('reports HTTP errors with their status', async () => {
    const error = await refusal(fetchUrl(`${server.origin}/missing`, testOnly));
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.message).toBe(`Could not fetch ${server.origin}/missing: the server answered with error 404.`);
  });

  it('decompresses gzip bodies', async () => {
    const doc = await fetchUrl(`${server.origin}/gzip`, testOnly);
    expect(doc.body.toString('utf8')).toContain('Le Quotidien du Test');
  });

  it('caps the decompressed size, not the compressed one', async () => {
    const error = await refusal(fetchUrl(`${server.origin}/gzip`, { ...testOnly, maxBytes: 2000 }));
    expect(error.code).toBe('TOO_LARGE');
  });

  it('closes the connection when it refuses a decompression bomb (no socket left open)', async () => {
    // A separate server, so its connection count is this test's alone.
    const bombServer = await startPageServer();
    try {
      const error = await refusal(fetchUrl(`${bombServer.origin}/gzip-bomb`, testOnly));
      expect(error.code).toBe('TOO_LARGE');
      // The server would go on sending for 20 s: only the client hanging up ends it sooner.
      let open = await bombServer.openConnections();
      for (let i = 0; i < 50 && open > 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        open = await bombServer.openConnections();
      }
      expect(open).toBe(0);
    } finally {
      await bombServer.close();
    }
  });

  it('reports a connection failure in one line', async () => {
    const closed = await startPageServer();
    const origin = closed.origin;
    await closed.close();
    const error = await refusal(fetchUrl(`${origin}/news/stargate`, testOnly));
    expect(error.code).toBe('FETCH_FAILED');
    expect(error.message).toBe(`Could not fetch ${origin}/news/stargate: the server refused the connection.`);
  });

  it('keeps TLS verification on when connecting to a pinned address', async () => {
    // A self-signed certificate for news.test (test-only key, committed as a fixture).
    const tls = https.createServer({ key: fixture('test-only-self-signed.key'), cert: fixture('test-only-self-signed.crt') }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<p>secret</p>');
    });
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    const { port } = tls.address() as AddressInfo;
    try {
      const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
      const error = await refusal(fetchUrl(`https://news.test:${port}/`, { ...testOnly, resolve }));
      expect(error.code).toBe('FETCH_FAILED');
      expect(error.message).toBe(`Could not fetch https://news.test:${port}/: its security certificate is not valid.`);
    } finally {
      tls.closeAllConnections();
      await new Promise((r) => tls.close(r));
    }
  });
});
