import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, stat, truncate } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBertModel } from '../scripts/model/bert-onnx.js';
import { TINY_PRESET } from '../scripts/model/presets.js';
import { createEmbedder, ModelUnavailableError, type Embedder } from '../src/engine/embed/embedder.js';
import { prefixesFor } from '../src/engine/embed/prefixes.js';
import { TINY_MODEL_DIR, TINY_MODEL_ID } from './helpers/tiny-model.js';

const tiny = { model: TINY_MODEL_ID, modelDir: TINY_MODEL_DIR, cacheDir: null };
const ROOT = resolve(import.meta.dirname, '..');

type ChildResult = { dimension: number; vectors: number[][] } | { error: string };

/** Embeds `texts` in a child process (test/fixtures/embed/embed-child.ts): one runtime per process. */
async function embedInChild(options: Parameters<typeof createEmbedder>[0], texts: string[]): Promise<ChildResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/embed/embed-child.ts', JSON.stringify({ ...options, texts })],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  return JSON.parse(stdout) as ChildResult;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

function norm(v: Float32Array): number {
  return Math.sqrt(cosine(v, v));
}

async function loadError(opts: Parameters<typeof createEmbedder>[0]): Promise<Error> {
  const err = await createEmbedder(opts).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelUnavailableError);
  const message = (err as Error).message;
  expect(message).not.toContain('\n');
  expect(message).not.toMatch(/\s+at\s+\S+\s+\(/); // no stack frame
  expect(message).toContain('MODEL_DIR');
  return err as Error;
}

describe('embedder on the generated tiny model', () => {
  let embedder: Embedder;
  const scratch: string[] = [];

  beforeAll(async () => {
    embedder = await createEmbedder({ ...tiny, batchSize: 4 });
  });

  afterAll(async () => {
    await embedder.dispose();
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  });

  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'depeche-embedder-'));
    scratch.push(dir);
    return dir;
  };

  it('returns one unit-length vector of the model dimension per text', async () => {
    expect(embedder.modelId).toBe(TINY_MODEL_ID);
    expect(embedder.dimension).toBe(TINY_PRESET.options.hidden);
    const vectors = await embedder.embedPassages(['Le gouvernement annonce un plan.', 'The bank raised its rates.', '']);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(embedder.dimension);
      expect(v.every(Number.isFinite)).toBe(true);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(await embedder.embedQueries([])).toEqual([]);
  });

  it('gives the same vectors when the model is loaded again', async () => {
    const texts = ['Masayoshi Son a promis d’investir 100 milliards de dollars', 'investir milliards dollars'];
    // Same batch size: int8 activations are quantized per batch, so batching shifts vectors slightly.
    const again = await createEmbedder({ ...tiny, batchSize: 4 });
    try {
      const [first, second] = [await embedder.embedPassages(texts), await again.embedPassages(texts)];
      expect(second).toEqual(first);
    } finally {
      await again.dispose();
    }
  });

  it('scores texts sharing words above unrelated texts', async () => {
    const [article, related, sport, weather] = await embedder.embedPassages([
      "Masayoshi Son a promis d'investir 100 milliards de dollars aux États-Unis",
      "Le fondateur de SoftBank veut investir des milliards de dollars dans l'intelligence artificielle",
      'Le club de football a remporté le match de dimanche soir',
      'The weather will be sunny in the north tomorrow',
    ]);
    const [query] = await embedder.embedQueries(['investir milliards dollars']);
    expect(cosine(query!, article!)).toBeGreaterThan(cosine(query!, sport!) + 0.15);
    expect(cosine(query!, related!)).toBeGreaterThan(cosine(query!, weather!) + 0.15);
    expect(cosine(article!, related!)).toBeGreaterThan(cosine(article!, weather!));
  });

  it('embeds accented French like its unaccented spelling', async () => {
    const [accented, plain, other] = await embedder.embedQueries([
      "L'économie française a connu une année difficile à l'Élysée",
      "L'economie francaise a connu une annee difficile a l'Elysee",
      'Le club de football a remporté le match',
    ]);
    expect(cosine(accented!, plain!)).toBeCloseTo(1, 5);
    expect(cosine(accented!, other!)).toBeLessThan(0.6);
  });

  it('embeds more texts than one batch, in order, and reports progress', async () => {
    const texts = Array.from({ length: 10 }, (_, i) => `Article ${i} : la banque centrale relève son taux de ${i} points`);
    const progress: [number, number][] = [];
    const batched = await embedder.embedPassages(texts, (done, total) => progress.push([done, total]));
    expect(progress).toEqual([
      [0, 10],
      [4, 10],
      [8, 10],
      [10, 10],
    ]);
    expect(batched).toHaveLength(10);
    // Batching must not change a text's vector beyond int8 rounding (activation scales
    // are computed per batch, as in any dynamically quantized model).
    const [alone] = await embedder.embedPassages([texts[7]!]);
    expect(cosine(alone!, batched[7]!)).toBeGreaterThan(0.999);
    expect(cosine(batched[7]!, batched[3]!)).toBeLessThan(0.9999);
  });

  it('gives the same vectors one text per call (the default) as in batches of 16', async () => {
    // Lengths differ a lot, so the batch of 16 is mostly padding for the short texts.
    const texts = Array.from({ length: 18 }, (_, i) => `Dépêche ${i} : ${'la banque centrale relève son taux '.repeat(1 + (i % 5) * 6)}`);
    const wide = await createEmbedder({ ...tiny, batchSize: 16 });
    const single = await createEmbedder(tiny);
    try {
      const [batched, alone] = [await wide.embedPassages(texts), await single.embedPassages(texts)];
      expect(alone).toHaveLength(texts.length);
      alone.forEach((v, i) => expect(cosine(v, batched[i]!)).toBeGreaterThan(0.999));
    } finally {
      await wide.dispose();
      await single.dispose();
    }
  });

  it('gives the same vectors on the @huggingface/transformers runtime (own process)', async () => {
    const texts = ['Masayoshi Son a promis d’investir 100 milliards de dollars', 'The bank raised its rates.'];
    const child = await embedInChild({ ...tiny, runtime: 'huggingface' }, texts);
    if ('error' in child) throw new Error(child.error);
    const ours = await embedder.embedPassages(texts);
    expect(child.dimension).toBe(embedder.dimension);
    expect(child.vectors).toHaveLength(2);
    child.vectors.forEach((v, i) => expect(cosine(Float32Array.from(v), ours[i]!)).toBeGreaterThan(0.999));
    // Not trivially equal: the two texts' vectors differ.
    expect(cosine(ours[0]!, ours[1]!)).toBeLessThan(0.99);
  });

  it('maps a corrupt ONNX file to the same one-line error on the @huggingface/transformers runtime', async () => {
    const dir = await tempDir();
    await cp(join(TINY_MODEL_DIR, TINY_MODEL_ID), join(dir, TINY_MODEL_ID), { recursive: true });
    await truncate(join(dir, TINY_MODEL_ID, 'onnx/model_quantized.onnx'), 1000);
    const child = await embedInChild({ ...tiny, modelDir: dir, runtime: 'huggingface' }, ['x']);
    expect(child).toEqual({ error: expect.stringContaining('onnx/model_quantized.onnx is not a valid ONNX model') });
    expect((child as { error: string }).error).not.toContain('\n');
  });

  it('answers a repeated question with the same vector and keeps its cache private', async () => {
    const [first] = await embedder.embedQueries(['Qui dirige SoftBank ?']);
    const copy = first!.slice();
    first!.fill(0);
    const [second, third] = await embedder.embedQueries(['Qui dirige SoftBank ?', 'Qui dirige SoftBank ?']);
    expect(second).toEqual(copy);
    expect(third).toEqual(copy);
  });

  it('loads the float32 model to nearly the same vectors as the int8 one', async () => {
    const float = await createEmbedder({ ...tiny, quantized: false });
    try {
      const text = 'Les investisseurs attendent la décision de la banque centrale';
      const [[a], [b]] = [await embedder.embedQueries([text]), await float.embedQueries([text])];
      expect(cosine(a!, b!)).toBeGreaterThan(0.99);
    } finally {
      await float.dispose();
    }
  });

  it('adds the query/passage prefixes for E5 models only', () => {
    expect(prefixesFor('Xenova/multilingual-e5-small')).toEqual({ query: 'query: ', passage: 'passage: ' });
    expect(prefixesFor('intfloat/e5-base-v2')).toEqual({ query: 'query: ', passage: 'passage: ' });
    expect(prefixesFor(TINY_MODEL_ID)).toEqual({ query: '', passage: '' });
    expect(prefixesFor('Xenova/all-MiniLM-L6-v2')).toEqual({ query: '', passage: '' });
  });

  it('refuses an unknown model with a one-line ModelUnavailableError', async () => {
    const err = await loadError({ ...tiny, model: 'nobody/no-such-model' });
    expect(err.message).toMatch(/^Model "nobody\/no-such-model" could not be loaded: folder .*no-such-model does not exist\./);
  });

  it('names the missing file when the model folder is incomplete', async () => {
    const dir = await tempDir();
    await cp(join(TINY_MODEL_DIR, TINY_MODEL_ID), join(dir, TINY_MODEL_ID), { recursive: true });
    await rm(join(dir, TINY_MODEL_ID, 'onnx/model_quantized.onnx'));
    const err = await loadError({ ...tiny, modelDir: dir });
    expect(err.message).toContain('file onnx/model_quantized.onnx missing in');
  });

  it('refuses a truncated ONNX file with a one-line ModelUnavailableError', async () => {
    const dir = await tempDir();
    await cp(join(TINY_MODEL_DIR, TINY_MODEL_ID), join(dir, TINY_MODEL_ID), { recursive: true });
    await truncate(join(dir, TINY_MODEL_ID, 'onnx/model_quantized.onnx'), 1000);
    const err = await loadError({ ...tiny, modelDir: dir });
    expect(err.message).toContain('onnx/model_quantized.onnx is not a valid ONNX model');
  });

  it('reports an unreachable model hub without a stack trace', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const { port } = closed.address() as AddressInfo;
    await new Promise((done) => closed.close(done));
    const err = await loadError({ model: TINY_MODEL_ID, modelDir: null, cacheDir: await tempDir(), remoteHost: `http://127.0.0.1:${port}` });
    expect(err.message).toContain('model hub is unreachable');
  });

  describe('with a model hub on 127.0.0.1', () => {
    let hub: Server;
    let hubUrl: string;
    const requests: string[] = [];

    beforeAll(async () => {
      // Serves the tiny model the way the Hugging Face hub lays out files.
      hub = createServer((req, res) => {
        requests.push(req.url ?? '');
        const match = /^\/(.+)\/resolve\/main\/(.+)$/.exec(req.url ?? '');
        const file = match && match[1] === TINY_MODEL_ID ? join(TINY_MODEL_DIR, TINY_MODEL_ID, match[2]!) : null;
        if (!file) {
          res.writeHead(404).end();
          return;
        }
        stat(file).then(
          (s) => {
            res.writeHead(200, { 'content-length': s.size });
            createReadStream(file).pipe(res);
          },
          () => res.writeHead(404).end(),
        );
      });
      await new Promise<void>((done) => hub.listen(0, '127.0.0.1', done));
      hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise((done) => hub.close(done));
    });

    it('downloads the model once with visible progress, then loads it from the cache', async () => {
      const cacheDir = await tempDir();
      const events: { file: string; status: string }[] = [];
      const downloaded = await createEmbedder({
        model: TINY_MODEL_ID,
        modelDir: null,
        cacheDir,
        remoteHost: hubUrl,
        onDownloadProgress: (info) => events.push({ file: info.file, status: info.status }),
      });
      const [fromHub] = await downloaded.embedQueries(['la banque centrale']);
      await downloaded.dispose();
      expect(events).toContainEqual({ file: 'onnx/model_quantized.onnx', status: 'progress' });
      expect(events).toContainEqual({ file: 'onnx/model_quantized.onnx', status: 'done' });
      expect(await readdir(join(cacheDir, TINY_MODEL_ID, 'onnx'))).toContain('model_quantized.onnx');

      const served = requests.length;
      const cached = await createEmbedder({ model: TINY_MODEL_ID, modelDir: null, cacheDir, remoteHost: hubUrl });
      const [fromCache] = await cached.embedQueries(['la banque centrale']);
      await cached.dispose();
      expect(requests.length).toBe(served);
      const [local] = await embedder.embedQueries(['la banque centrale']);
      expect(fromHub).toEqual(local);
      expect(fromCache).toEqual(local);
    });

    it('says the hub has no such model', async () => {
      const err = await loadError({ model: 'nobody/missing', modelDir: null, cacheDir: await tempDir(), remoteHost: hubUrl });
      expect(err.message).toContain('the model hub has no such model');
    });
  });
});

describe('model generator', () => {
  it('writes identical bytes on every run', async () => {
    const root = await mkdtemp(join(tmpdir(), 'depeche-make-model-'));
    try {
      const [a, b] = [join(root, 'a'), join(root, 'b')];
      const first = await writeBertModel(a, TINY_PRESET.options);
      await writeBertModel(b, TINY_PRESET.options);
      expect(Object.keys(first.files).sort()).toEqual([
        'config.json',
        'onnx/model.onnx',
        'onnx/model_quantized.onnx',
        'tokenizer.json',
        'tokenizer_config.json',
      ]);
      for (const file of Object.keys(first.files)) {
        expect((await readFile(join(b, file))).equals(await readFile(join(a, file))), file).toBe(true);
      }
      expect(first.files['onnx/model_quantized.onnx']).toBeLessThan(1_000_000);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
