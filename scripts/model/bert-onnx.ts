import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { encodeBertGraph } from './bert-graph.js';
import { generateBertWeights, type BertShape, type WeightStyle } from './bert-weights.js';
import { tokenizerConfigJson, tokenizerJson } from './tokenizer-files.js';
import { buildVocab, type VocabOptions } from './vocab.js';

export interface BertModelOptions {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  vocab: VocabOptions;
  seed: number;
  /** Defaults to `lexical` (see WeightStyle). */
  style?: WeightStyle;
  /** Defaults to 512, like BERT and multilingual-e5-small. */
  maxPositions?: number;
}

export interface WrittenModel {
  dir: string;
  vocabSize: number;
  /** Relative path → size in bytes. */
  files: Record<string, number>;
}

const LAYER_NORM_EPS = 1e-12;
/** Bump when the generator's output changes, so cached test models are rebuilt. */
export const GENERATOR_VERSION = 1;

/**
 * Writes a BERT model in transformers.js local layout: config.json, tokenizer.json,
 * tokenizer_config.json, onnx/model.onnx (float32) and onnx/model_quantized.onnx
 * (dynamic int8, like Xenova's). Same options → same bytes. Files are written to a
 * sibling temp folder and renamed into place, so a half-written model never appears.
 * Example: await writeBertModel('models/depeche/tiny-bert', TINY_PRESET.options)
 *   → { dir, vocabSize: 4381, files: { 'onnx/model.onnx': 1123456, … } }
 */
export async function writeBertModel(outDir: string, opts: BertModelOptions): Promise<WrittenModel> {
  if (opts.hidden % opts.heads !== 0) throw new Error(`hidden (${opts.hidden}) must be a multiple of heads (${opts.heads})`);
  const vocab = buildVocab(opts.vocab);
  const shape: BertShape = {
    layers: opts.layers,
    hidden: opts.hidden,
    heads: opts.heads,
    intermediate: opts.intermediate,
    vocabSize: vocab.length,
    maxPositions: opts.maxPositions ?? 512,
    typeVocabSize: 2,
  };
  // [CLS] keeps a vector so that even an empty text has a non-zero embedding
  // (a zero vector would normalize to NaN); the other specials carry no meaning.
  const silentIds = (['[PAD]', '[SEP]', '[MASK]'] as const).map((t) => vocab.indexOf(t));
  const weights = generateBertWeights(shape, opts.seed, opts.style ?? 'lexical', silentIds);

  const contents: [string, string | Uint8Array][] = [
    ['config.json', json(configJson(shape, opts))],
    ['tokenizer.json', JSON.stringify(tokenizerJson(vocab))],
    ['tokenizer_config.json', json(tokenizerConfigJson(shape.maxPositions))],
    ['onnx/model.onnx', encodeBertGraph(shape, weights, { quantized: false, layerNormEps: LAYER_NORM_EPS })],
    ['onnx/model_quantized.onnx', encodeBertGraph(shape, weights, { quantized: true, layerNormEps: LAYER_NORM_EPS })],
  ];

  const staging = `${outDir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const files: Record<string, number> = {};
  for (const [file, data] of contents) {
    const path = join(staging, file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
    files[file] = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  }
  await rm(outDir, { recursive: true, force: true });
  await mkdir(dirname(outDir), { recursive: true });
  await rename(staging, outDir);
  return { dir: outDir, vocabSize: vocab.length, files };
}

function configJson(shape: BertShape, opts: BertModelOptions): object {
  return {
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: shape.hidden,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    intermediate_size: shape.intermediate,
    hidden_act: 'gelu',
    vocab_size: shape.vocabSize,
    max_position_embeddings: shape.maxPositions,
    type_vocab_size: shape.typeVocabSize,
    layer_norm_eps: LAYER_NORM_EPS,
    pad_token_id: 0,
    // Not read by transformers.js; says where the weights came from.
    depeche_generated: generatedStamp(opts),
  };
}

/** What config.json records of how the model was made; equal stamps mean equal files. */
export function generatedStamp(opts: BertModelOptions): Record<string, unknown> {
  return { generator: GENERATOR_VERSION, options: opts };
}

function json(value: object): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
