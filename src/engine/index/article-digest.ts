/**
 * A digest of a set of article ids: the sum of a 52-bit hash of each id, modulo 2^52. A store
 * keeps the digest of its ids level with each commit (O(change)); a writer updating a few named
 * articles compares it with the digest of the corpus folder's file names, and lists the stored
 * ids (O(coverage)) only when the two sets differ by more than the named articles — files that
 * appeared or vanished behind its back.
 */
const MOD = 2 ** 52;
const HIGH = 2 ** 32;

/** 52 bits of hash of one id: two 32-bit FNV-1a passes with different seeds (20 bits of the second). */
export function articleIdHash(id: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ id.length;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  return (a >>> 0) + (b & 0xfffff) * HIGH;
}

/** `digest` with `id` added (a sum of values below 2^52 stays an exact integer below 2^53 before the modulo). */
export const withId = (digest: number, id: string): number => (digest + articleIdHash(id)) % MOD;
export const withoutId = (digest: number, id: string): number => (digest - articleIdHash(id) + MOD) % MOD;

export function digestOf(ids: Iterable<string>): number {
  let digest = 0;
  for (const id of ids) digest = withId(digest, id);
  return digest;
}
