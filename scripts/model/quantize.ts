/** A tensor quantized to int8 with one symmetric scale (zero point 0). */
export interface Int8Tensor {
  data: Int8Array;
  scale: number;
}

/**
 * Per-tensor symmetric int8 quantization, as onnxruntime's dynamic quantizer does
 * for weights. Example: quantizeInt8([0.5, -1]) → { data: [64, -127], scale: 1/127 }.
 */
export function quantizeInt8(values: Float32Array): Int8Tensor {
  let maxAbs = 0;
  for (const v of values) maxAbs = Math.max(maxAbs, Math.abs(v));
  // Math.fround keeps the scale exactly what the float32 initializer will hold.
  const scale = Math.fround(maxAbs > 0 ? maxAbs / 127 : 1);
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    data[i] = Math.max(-127, Math.min(127, Math.round((values[i] as number) / scale)));
  }
  return { data, scale };
}
