import { endianness } from 'node:os';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX element types used by the generator (TensorProto.DataType). */
export const ElemType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
export type ElemType = (typeof ElemType)[keyof typeof ElemType];

export type Attr = { i: number } | { f: number } | { ints: number[] };

export interface ValueInfo {
  name: string;
  elemType: ElemType;
  /** Numbers are fixed sizes, strings are symbolic (dynamic) dimensions. */
  dims: (number | string)[];
}

/**
 * Collects nodes and initializers of one ONNX graph. Every value name is generated
 * from a counter, so building the same graph twice gives the same bytes.
 */
export interface GraphBuilder {
  /** Adds a weight/constant tensor and returns its name. */
  tensor(prefix: string, elemType: ElemType, dims: number[], data: Float32Array | Int8Array | Uint8Array | BigInt64Array): string;
  /** Scalar float or int64 constant, as an initializer. */
  float(prefix: string, value: number): string;
  int64(prefix: string, values: number[], dims?: number[]): string;
  /** Adds a node with `outputs` fresh outputs; returns their names. */
  node(opType: string, inputs: string[], attrs?: Record<string, Attr>, outputs?: number): string[];
  /** Adds a node with a single output; returns its name. */
  op(opType: string, inputs: string[], attrs?: Record<string, Attr>): string;
  /** Adds a node whose single output has a fixed name (graph outputs). */
  named(opType: string, inputs: string[], output: string): void;
  encode(spec: { name: string; inputs: ValueInfo[]; outputs: ValueInfo[]; opset: number; irVersion: number }): Uint8Array;
}

export function createGraphBuilder(): GraphBuilder {
  if (endianness() !== 'LE') throw new Error('ONNX raw_data is little-endian; this generator only runs on little-endian machines.');
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializers: onnxProto.onnx.ITensorProto[] = [];
  let counter = 0;
  const fresh = (prefix: string): string => `${prefix}_${counter++}`;

  const tensor: GraphBuilder['tensor'] = (prefix, elemType, dims, data) => {
    const name = fresh(prefix);
    const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    initializers.push({ name, dataType: elemType, dims, rawData });
    return name;
  };

  const node: GraphBuilder['node'] = (opType, inputs, attrs = {}, outputs = 1) => {
    const outs = Array.from({ length: outputs }, () => fresh(opType.toLowerCase()));
    nodes.push({ opType, name: fresh(`n_${opType}`), input: inputs, output: outs, attribute: toAttributes(attrs) });
    return outs;
  };

  return {
    tensor,
    float: (prefix, value) => tensor(prefix, ElemType.FLOAT, [], Float32Array.of(value)),
    int64: (prefix, values, dims = [values.length]) =>
      tensor(prefix, ElemType.INT64, dims, BigInt64Array.from(values.map((v) => BigInt(v)))),
    node,
    op: (opType, inputs, attrs) => node(opType, inputs, attrs, 1)[0] as string,
    named: (opType, inputs, output) => {
      nodes.push({ opType, name: fresh(`n_${opType}`), input: inputs, output: [output], attribute: [] });
    },
    encode: ({ name, inputs, outputs, opset, irVersion }) =>
      onnx.ModelProto.encode({
        irVersion,
        producerName: 'depeche-make-model',
        opsetImport: [{ domain: '', version: opset }],
        graph: { name, node: nodes, initializer: initializers, input: inputs.map(valueInfo), output: outputs.map(valueInfo) },
      }).finish(),
  };
}

function toAttributes(attrs: Record<string, Attr>): onnxProto.onnx.IAttributeProto[] {
  const { AttributeType } = onnx.AttributeProto;
  return Object.entries(attrs).map(([name, value]) => {
    if ('i' in value) return { name, type: AttributeType.INT, i: value.i };
    if ('f' in value) return { name, type: AttributeType.FLOAT, f: value.f };
    return { name, type: AttributeType.INTS, ints: value.ints };
  });
}

function valueInfo(info: ValueInfo): onnxProto.onnx.IValueInfoProto {
  return {
    name: info.name,
    type: {
      tensorType: {
        elemType: info.elemType,
        shape: { dim: info.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
