import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { byteLength, PIECE_BYTES, sendBytes, type Bytes } from '../src/engine/workers/byte-transfer.js';
import { startModuleWorker } from '../src/engine/workers/module-worker.js';

/** Sends `data` to a worker that joins it; resolves with what the worker got, and how often the sender's loop turned meanwhile. */
async function roundTrip(data: Bytes) {
  const worker = startModuleWorker(import.meta.url, './fixtures/workers/bytes-digest', { workerData: { bytes: byteLength(data) } });
  try {
    let turns = 0;
    let sending = true;
    const tick = () => {
      turns++;
      if (sending) setImmediate(tick);
    };
    setImmediate(tick);
    const reply = once(worker, 'message');
    await sendBytes(worker, data);
    sending = false;
    const [got] = (await reply) as [{ length: number; sha256: string }];
    return { ...got, turns };
  } finally {
    await worker.terminate();
  }
}

const sha256 = (...parts: Uint8Array[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest('hex');

describe('moving a document’s bytes into a worker', () => {
  it('delivers 5 MB of pieces exactly, letting the sender’s event loop turn between pieces', async () => {
    // Pieces as a socket and a decompressor hand them over: uneven sizes, views into larger buffers.
    const backing = randomBytes(6 * 1024 * 1024);
    const chunks: Buffer[] = [];
    for (let at = 0, size = 1; at < 5 * 1024 * 1024; at += size, size = (size * 7919) % 150_000 || 1) chunks.push(backing.subarray(at, at + size));

    const got = await roundTrip(chunks);

    expect(got.length).toBe(byteLength(chunks));
    expect(got.sha256).toBe(sha256(...chunks));
    // One piece per turn: a stall never holds more than PIECE_BYTES of copying.
    expect(got.turns).toBeGreaterThanOrEqual(Math.floor(got.length / PIECE_BYTES));
    // The sender's buffers are copied, not taken: they stay usable.
    expect(chunks[0]!.byteLength).toBeGreaterThan(0);
    expect(backing.byteLength).toBe(6 * 1024 * 1024);
  });

  it('delivers one whole buffer, and an empty document', async () => {
    const whole = randomBytes(PIECE_BYTES * 3 + 17);
    expect(await roundTrip(whole)).toMatchObject({ length: whole.length, sha256: sha256(whole) });
    expect(await roundTrip([])).toMatchObject({ length: 0, sha256: sha256() });
  });
});
