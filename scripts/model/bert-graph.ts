import type { BertShape, BertWeights, Linear, Norm } from './bert-weights.js';
import { createGraphBuilder, ElemType, type GraphBuilder } from './onnx-builder.js';
import { quantizeInt8 } from './quantize.js';

// onnxruntime-node 1.14 (used by @xenova/transformers 2.17) reads IR ≤ 8 and opset ≤ 18;
// opset 13 has every op used here with the signatures written below.
const OPSET = 13;
const IR_VERSION = 7;

export interface GraphOptions {
  /**
   * false: float32 weights and MatMul. true: what onnxruntime's `quantize_dynamic`
   * produces (the shape of Xenova's model_quantized.onnx files): int8 weights,
   * activations quantized per call (DynamicQuantizeLinear + MatMulInteger), int8
   * embedding tables dequantized after the lookup.
   */
  quantized: boolean;
  layerNormEps: number;
}

/**
 * Encodes a BERT encoder as an ONNX model: int64 `input_ids`, `attention_mask`,
 * `token_type_ids` [batch, sequence] → float `last_hidden_state` [batch, sequence, hidden].
 */
export function encodeBertGraph(shape: BertShape, weights: BertWeights, options: GraphOptions): Uint8Array {
  const g = createGraphBuilder();
  const { hidden, heads } = shape;
  const headSize = hidden / heads;
  const ops = layerOps(g, options);

  // Embeddings: word + position + token type, then LayerNorm.
  const words = ops.embedding('word_embeddings', weights.wordEmbeddings, [shape.vocabSize, hidden], 'input_ids');
  const seqLen = g.op('Gather', [g.op('Shape', ['input_ids']), g.int64('one', [1], [])], { axis: { i: 0 } });
  const positionIds = g.op('Range', [g.int64('zero', [0], []), seqLen, g.int64('one', [1], [])]);
  const positions = ops.embedding('position_embeddings', weights.positionEmbeddings, [shape.maxPositions, hidden], positionIds);
  const types = ops.embedding('token_type_embeddings', weights.tokenTypeEmbeddings, [shape.typeVocabSize, hidden], 'token_type_ids');
  let x = ops.layerNorm(g.op('Add', [g.op('Add', [words, positions]), types]), weights.embeddingNorm);

  // Additive attention mask [batch, 1, 1, sequence]: 0 where attended, -10000 on padding.
  const mask = g.op('Cast', [g.op('Unsqueeze', ['attention_mask', g.int64('axes', [1, 2])])], { to: { i: ElemType.FLOAT } });
  const maskBias = g.op('Mul', [g.op('Sub', [g.float('one', 1), mask]), g.float('neg', -10000)]);

  const splitHeads = g.int64('split_heads', [0, 0, heads, headSize]);
  const mergeHeads = g.int64('merge_heads', [0, 0, hidden]);
  const scale = g.float('attention_scale', Math.sqrt(headSize));
  for (const layer of weights.layers) {
    const heads4d = (t: string, perm: number[]): string =>
      g.op('Transpose', [g.op('Reshape', [t, splitHeads])], { perm: { ints: perm } });
    const q = heads4d(ops.linear(x, layer.query), [0, 2, 1, 3]);
    const k = heads4d(ops.linear(x, layer.key), [0, 2, 3, 1]);
    const v = heads4d(ops.linear(x, layer.value), [0, 2, 1, 3]);
    const scores = g.op('Add', [g.op('Div', [g.op('MatMul', [q, k]), scale]), maskBias]);
    const probs = g.op('Softmax', [scores], { axis: { i: -1 } });
    const context = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: { ints: [0, 2, 1, 3] } }), mergeHeads]);
    x = ops.layerNorm(g.op('Add', [ops.linear(context, layer.attentionOut), x]), layer.attentionNorm);

    const inner = ops.gelu(ops.linear(x, layer.intermediate));
    x = ops.layerNorm(g.op('Add', [ops.linear(inner, layer.output), x]), layer.outputNorm);
  }
  g.named('Identity', [x], 'last_hidden_state');

  const io = (name: string) => ({ name, elemType: ElemType.INT64, dims: ['batch_size', 'sequence_length'] });
  return g.encode({
    name: 'depeche_bert',
    inputs: [io('input_ids'), io('attention_mask'), io('token_type_ids')],
    outputs: [{ name: 'last_hidden_state', elemType: ElemType.FLOAT, dims: ['batch_size', 'sequence_length', hidden] }],
    opset: OPSET,
    irVersion: IR_VERSION,
  });
}

interface LayerOps {
  embedding(prefix: string, table: Float32Array, dims: number[], ids: string): string;
  linear(x: string, layer: Linear): string;
  layerNorm(x: string, norm: Norm): string;
  gelu(x: string): string;
}

function layerOps(g: GraphBuilder, { quantized, layerNormEps }: GraphOptions): LayerOps {
  const eps = g.float('ln_eps', layerNormEps);
  const two = g.float('two', 2);
  const half = g.float('half', 0.5);
  const one = g.float('one', 1);
  const sqrt2 = g.float('sqrt2', Math.SQRT2);
  // Created on first use: onnxruntime warns about unused initializers.
  let int8ZeroName: string | undefined;
  const int8Zero = (): string => (int8ZeroName ??= g.tensor('w_zero_point', ElemType.INT8, [], Int8Array.of(0)));

  return {
    embedding(prefix, table, dims, ids) {
      if (!quantized) return g.op('Gather', [g.tensor(prefix, ElemType.FLOAT, dims, table), ids]);
      const q = quantizeInt8(table);
      const rows = g.op('Gather', [g.tensor(`${prefix}_quant`, ElemType.INT8, dims, q.data), ids]);
      return g.op('DequantizeLinear', [rows, g.float(`${prefix}_scale`, q.scale), int8Zero()]);
    },
    linear(x, layer) {
      const dims = [layer.inSize, layer.outSize];
      const bias = g.tensor('bias', ElemType.FLOAT, [layer.outSize], layer.bias);
      if (!quantized) return g.op('Add', [g.op('MatMul', [x, g.tensor('weight', ElemType.FLOAT, dims, layer.weight)]), bias]);
      // The exact node pattern onnxruntime fuses into DynamicQuantizeMatMul.
      const w = quantizeInt8(layer.weight);
      const [xq, xScale, xZero] = g.node('DynamicQuantizeLinear', [x], {}, 3) as [string, string, string];
      const acc = g.op('MatMulInteger', [xq, g.tensor('weight_quant', ElemType.INT8, dims, w.data), xZero, int8Zero()]);
      const scale = g.op('Mul', [xScale, g.float('weight_scale', w.scale)]);
      return g.op('Add', [g.op('Mul', [g.op('Cast', [acc], { to: { i: ElemType.FLOAT } }), scale]), bias]);
    },
    layerNorm(x, norm) {
      // Spelled out (LayerNormalization is opset 17); onnxruntime fuses it back.
      const mean = g.op('ReduceMean', [x], { axes: { ints: [-1] }, keepdims: { i: 1 } });
      const centered = g.op('Sub', [x, mean]);
      const variance = g.op('ReduceMean', [g.op('Pow', [centered, two])], { axes: { ints: [-1] }, keepdims: { i: 1 } });
      const normed = g.op('Div', [centered, g.op('Sqrt', [g.op('Add', [variance, eps])])]);
      const gamma = g.tensor('ln_gamma', ElemType.FLOAT, [norm.gamma.length], norm.gamma);
      const beta = g.tensor('ln_beta', ElemType.FLOAT, [norm.beta.length], norm.beta);
      return g.op('Add', [g.op('Mul', [normed, gamma]), beta]);
    },
    gelu(x) {
      // Exact GELU, x · ½ · (1 + erf(x / √2)), as BERT's exported graphs spell it.
      return g.op('Mul', [g.op('Mul', [x, half]), g.op('Add', [one, g.op('Erf', [g.op('Div', [x, sqrt2])])])]);
    },
  };
}
