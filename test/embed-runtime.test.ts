import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRuntimePackage, loadEmbedRuntime, meanPool, parseEmbedRuntime, type FeatureExtractor } from '../src/engine/embed/runtime.js';
import { TINY_MODEL_DIR, TINY_MODEL_ID, ensureTinyModel } from './helpers/tiny-model.js';

// Only @xenova/transformers loads in this process: the two onnxruntime builds cannot share one.
// The @huggingface/transformers side runs in its own process in test/bench-smoke.test.ts.

describe('parseEmbedRuntime', () => {
  it('defaults to xenova and accepts either runtime name', () => {
    expect(parseEmbedRuntime(undefined)).toBe('xenova');
    expect(parseEmbedRuntime(' ')).toBe('xenova');
    expect(parseEmbedRuntime('HuggingFace')).toBe('huggingface');
  });

  it('rejects an unknown runtime with the valid names', () => {
    expect(() => parseEmbedRuntime('onnx')).toThrow('Unknown embedding runtime "onnx". Must be one of [xenova, huggingface].');
  });
});

describe('meanPool', () => {
  it('averages only the tokens the mask keeps, then normalizes', () => {
    // batch 2, seq 2, dim 2; second text has one padding token.
    const hidden = [1, 0, 0, 1, 3, 4, 100, 100];
    const [a, b] = meanPool(hidden, [1, 1, 1, 0], 2, 2, 2);
    expect([...a!].map((x) => Number(x.toFixed(6)))).toEqual([0.707107, 0.707107]);
    expect([...b!].map((x) => Number(x.toFixed(6)))).toEqual([0.6, 0.8]);
  });

  it('reads bigint masks as onnxruntime returns them', () => {
    const [v] = meanPool([2, 0], [1n], 1, 1, 2);
    expect([...v!]).toEqual([1, 0]);
  });

  it('returns a zero vector rather than NaN when every token is masked', () => {
    const [v] = meanPool([2, 3], [0], 1, 1, 2);
    expect([...v!]).toEqual([0, 0]);
  });
});

describe('xenova runtime on the tiny model', () => {
  let direct: FeatureExtractor;
  let pipeline: FeatureExtractor;

  beforeAll(async () => {
    await ensureTinyModel();
    const runtime = await loadEmbedRuntime('xenova');
    expect(runtime.version).toBe('2.17.2');
    const options = { modelId: TINY_MODEL_ID, modelDir: TINY_MODEL_DIR, cacheDir: null, quantized: true };
    direct = await runtime.load(options);
    pipeline = await runtime.load({ ...options, pooling: 'pipeline' });
  });

  afterAll(async () => {
    await direct?.dispose();
    await pipeline?.dispose();
  });

  it('gives the pipeline\'s vectors with its own pooling, padded batch included', async () => {
    const texts = ['Stargate coûtera 500 milliards de dollars.', 'SoftBank', 'Masayoshi Son a promis d’investir aux États-Unis et de créer des emplois.'];
    const ours = await direct.embed(texts);
    const theirs = await pipeline.embed(texts);
    expect(ours).toHaveLength(3);
    ours.forEach((v, i) => {
      expect(v.length).toBe(theirs[i]!.length);
      const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
      expect(norm).toBeCloseTo(1, 5);
      v.forEach((x, j) => expect(x).toBeCloseTo(theirs[i]![j]!, 5));
    });
  });

  it('embeds a text nearly the same alone or in a padded batch', async () => {
    const [alone] = await direct.embed(['SoftBank']);
    const [, inBatch] = await direct.embed(['Une phrase bien plus longue que la suivante, pour forcer du remplissage.', 'SoftBank']);
    // Not bit-identical: int8 weights are applied with dynamic quantization, whose activation
    // scale is taken over the whole batch, so a text's neighbours shift it slightly.
    const cosine = alone!.reduce((s, x, j) => s + x * inBatch![j]!, 0);
    expect(cosine).toBeGreaterThan(0.999);
    expect(await direct.embed([])).toEqual([]);
  });
});

describe('importRuntimePackage', () => {
  it('names the package to install when a runtime is not installed', async () => {
    // A package name that is surely absent stands for @huggingface/transformers on an install without devDependencies.
    await expect(importRuntimePackage('@huggingface/transformers-absent', 'huggingface')).rejects.toThrow(
      'EMBED_RUNTIME=huggingface needs @huggingface/transformers-absent, which is not installed: run "npm install @huggingface/transformers-absent" or set EMBED_RUNTIME=xenova',
    );
  });
});
