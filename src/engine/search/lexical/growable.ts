/** Typed arrays that grow by doubling, so appending one element is amortised O(1). */
type Typed = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

/** `array`, or a copy at least `size` long (doubled) when it is shorter; new slots hold `fill`. */
export function ensureLength<T extends Typed>(array: T, size: number, fill = 0): T {
  if (size <= array.length) return array;
  let length = Math.max(16, array.length);
  while (length < size) length *= 2;
  const grown = new (array.constructor as new (n: number) => T)(length);
  grown.set(array);
  if (fill !== 0) grown.fill(fill, array.length);
  return grown;
}

/**
 * The length to give an array restored with `used` elements that will keep growing: twice that,
 * as its first growth would make it. Allocated at restore (in the background load), the first
 * insert after a load does not copy the whole array inside an ingest's synchronous step (~7 ms at
 * 100k passages, ten times that at a million); the slots past `used` are zero pages that cost
 * nothing until they are written.
 */
export function restoredCapacity(used: number): number {
  return Math.max(16, used * 2);
}
