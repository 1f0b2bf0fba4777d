import { createPrng, normalArray } from './prng.js';

export interface BertShape {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  vocabSize: number;
  maxPositions: number;
  typeVocabSize: number;
}

/**
 * `lexical`: every token row is an independent unit-scale random vector, `silentIds`
 * rows and positions are zero, so after mean pooling a sentence is roughly the sum
 * of its tokens' vectors and cosine similarity tracks shared tokens (test model).
 * `random`: BERT's own initialisation (N(0, 0.02) everywhere), for timing only.
 */
export type WeightStyle = 'lexical' | 'random';

export interface Linear {
  /** [in, out], row-major, as ONNX MatMul expects. */
  weight: Float32Array;
  bias: Float32Array;
  inSize: number;
  outSize: number;
}

export interface Norm {
  gamma: Float32Array;
  beta: Float32Array;
}

export interface LayerWeights {
  query: Linear;
  key: Linear;
  value: Linear;
  attentionOut: Linear;
  attentionNorm: Norm;
  intermediate: Linear;
  output: Linear;
  outputNorm: Norm;
}

export interface BertWeights {
  wordEmbeddings: Float32Array;
  positionEmbeddings: Float32Array;
  tokenTypeEmbeddings: Float32Array;
  embeddingNorm: Norm;
  layers: LayerWeights[];
}

const INIT_STD = 0.02;

/** Generates all weights from `seed`; same inputs, same numbers. */
export function generateBertWeights(shape: BertShape, seed: number, style: WeightStyle, silentIds: number[]): BertWeights {
  const prng = createPrng(seed);
  const { hidden, intermediate, vocabSize } = shape;
  const lexical = style === 'lexical';

  const wordEmbeddings = normalArray(prng, vocabSize * hidden, lexical ? 1 : INIT_STD);
  if (lexical) for (const id of silentIds) wordEmbeddings.fill(0, id * hidden, (id + 1) * hidden);
  const positionEmbeddings = lexical
    ? new Float32Array(shape.maxPositions * hidden)
    : normalArray(prng, shape.maxPositions * hidden, INIT_STD);
  const tokenTypeEmbeddings = lexical
    ? new Float32Array(shape.typeVocabSize * hidden)
    : normalArray(prng, shape.typeVocabSize * hidden, INIT_STD);

  const linear = (inSize: number, outSize: number): Linear => ({
    weight: normalArray(prng, inSize * outSize, INIT_STD),
    bias: new Float32Array(outSize),
    inSize,
    outSize,
  });
  const norm = (): Norm => ({ gamma: new Float32Array(hidden).fill(1), beta: new Float32Array(hidden) });

  const layers: LayerWeights[] = [];
  for (let l = 0; l < shape.layers; l++) {
    layers.push({
      query: linear(hidden, hidden),
      key: linear(hidden, hidden),
      value: linear(hidden, hidden),
      attentionOut: linear(hidden, hidden),
      attentionNorm: norm(),
      intermediate: linear(hidden, intermediate),
      output: linear(intermediate, hidden),
      outputNorm: norm(),
    });
  }
  return { wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings, embeddingNorm: norm(), layers };
}
