import type { BertModelOptions } from './bert-onnx.js';

export interface ModelPreset {
  /** Model id, i.e. the folder under the models directory. */
  id: string;
  options: BertModelOptions;
}

/** Small test model (~1 MB float, a few hundred KB int8): similarity tracks shared tokens. */
export const TINY_PRESET: ModelPreset = {
  id: 'depeche/tiny-bert',
  options: { layers: 1, hidden: 128, heads: 2, intermediate: 256, vocab: { prefixPieces: 700, suffixPieces: 700 }, seed: 20240611, style: 'lexical' },
};

/**
 * multilingual-e5-small's shape (12 × 384, 12 heads, 1536 FFN, 250,037 tokens) with
 * random weights: its answers mean nothing, its compute and size match. Timing only.
 */
export const FULL_PRESET: ModelPreset = {
  id: 'depeche/random-bert-full',
  options: { layers: 12, hidden: 384, heads: 12, intermediate: 1536, vocab: { padTo: 250_037 }, seed: 20240612, style: 'random' },
};

export const PRESETS: Record<string, ModelPreset> = { tiny: TINY_PRESET, full: FULL_PRESET };
