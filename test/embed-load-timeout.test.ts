import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngineConfig } from '../src/config.js';
import { createEmbedder, ModelUnavailableError } from '../src/engine/embed/embedder.js';

// Its own file (own process): the stalled load stays queued in this process's model thread.
// A model hub that accepts every connection and never answers.
let hub: Server;
let hubUrl: string;
let cacheDir: string;
const seen: string[] = [];

beforeAll(async () => {
  hub = createServer((req) => seen.push(req.url ?? ''));
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/`;
  cacheDir = mkdtempSync(join(tmpdir(), 'depeche-stall-'));
});
afterAll(async () => {
  hub.closeAllConnections();
  await new Promise<void>((resolve) => hub.close(() => resolve()));
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('model load timeout', () => {
  it('gives up on a download that makes no progress, with the usual one-line model error', async () => {
    const started = Date.now();
    const loading = createEmbedder({ model: 'depeche/stalled-model', modelDir: null, cacheDir, remoteHost: hubUrl, loadTimeoutMs: 8000, workers: 1 });
    await expect(loading).rejects.toBeInstanceOf(ModelUnavailableError);
    await expect(loading).rejects.toThrow(
      'Model "depeche/stalled-model" could not be loaded: loading made no progress for 8 s (MODEL_LOAD_TIMEOUT_SECONDS).',
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    // It did reach the hub: the stall is the server's silence, not a refused connection.
    expect(seen.length).toBeGreaterThan(0);
  });

  it('reads MODEL_LOAD_TIMEOUT_SECONDS', () => {
    expect(loadEngineConfig({ MODEL_LOAD_TIMEOUT_SECONDS: '90' }).modelLoadTimeoutMs).toBe(90_000);
    expect(loadEngineConfig({}).modelLoadTimeoutMs).toBeUndefined();
    expect(() => loadEngineConfig({ MODEL_LOAD_TIMEOUT_SECONDS: '0' })).toThrow(/^Invalid configuration: MODEL_LOAD_TIMEOUT_SECONDS: /);
  });
});
