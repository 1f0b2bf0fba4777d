import { setImmediate as nextTurn } from 'node:timers/promises';
import type { MessagePort, Worker } from 'node:worker_threads';

/**
 * Moving a document's bytes (up to a few MB) into a worker thread without stalling the sender's
 * event loop. Joining them into one buffer, or cloning one big buffer into the worker, writes
 * megabytes of fresh memory in one go, and fresh memory is paid in page faults: ≈ 5 ms per MB
 * measured on a shared 2-core VM, 25–45 ms per 5 MB page, more on a busy machine. So the bytes go
 * in pieces of at most PIECE_BYTES, one piece per event-loop turn, each a fresh copy that is then
 * transferred (not cloned again); the receiving thread joins them.
 */
export const PIECE_BYTES = 64 * 1024;

/** The bytes as one buffer, or as the pieces they arrived in. */
export type Bytes = Uint8Array | readonly Uint8Array[];

export function byteLength(data: Bytes): number {
  return isPieces(data) ? data.reduce((n, piece) => n + piece.byteLength, 0) : data.byteLength;
}

/** One message per piece: an ArrayBuffer. The receiver knows the total from elsewhere (workerData). */
export type BytePiece = ArrayBuffer;

/**
 * Posts `data` to `target` piece by piece, yielding to the event loop between pieces; stops early
 * (without error) once `stopped()` says the receiver is gone.
 *
 * @example await sendBytes(worker, fetched.chunks, () => done)
 */
export async function sendBytes(target: Worker | MessagePort, data: Bytes, stopped: () => boolean = () => false): Promise<void> {
  for (const chunk of isPieces(data) ? data : [data]) {
    for (let start = 0; start < chunk.byteLength; start += PIECE_BYTES) {
      if (stopped()) return;
      // A copy the size of the piece: a chunk may be a view on a larger buffer (a pool, a zlib
      // output), which a message would carry whole, and only a buffer of our own can be transferred.
      const piece = new Uint8Array(chunk.subarray(start, start + PIECE_BYTES)).buffer;
      target.postMessage(piece, [piece]);
      await nextTurn();
    }
  }
}

/**
 * Receives `total` bytes sent by `sendBytes` on `port` (messages that are not ArrayBuffers are left
 * to other listeners) and resolves with them joined, in this thread.
 *
 * @example const data = await receiveBytes(parentPort!, workerData.bytes)
 */
export function receiveBytes(port: MessagePort, total: number): Promise<Uint8Array> {
  const data = new Uint8Array(total);
  let received = 0;
  return new Promise((resolve, reject) => {
    if (total === 0) return resolve(data);
    const onPiece = (message: unknown) => {
      if (!(message instanceof ArrayBuffer)) return;
      if (received + message.byteLength > total) {
        port.off('message', onPiece);
        reject(new Error(`received more than the ${total} bytes announced`));
        return;
      }
      data.set(new Uint8Array(message), received);
      received += message.byteLength;
      if (received === total) {
        port.off('message', onPiece);
        resolve(data);
      }
    };
    port.on('message', onPiece);
  });
}

function isPieces(data: Bytes): data is readonly Uint8Array[] {
  return Array.isArray(data);
}
