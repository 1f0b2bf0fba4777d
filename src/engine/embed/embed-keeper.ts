/**
 * Keeper thread (started by embed-pool.ts for the xenova runtime): loads onnxruntime-node's native
 * binding and then only waits, for as long as the process lives. Node unloads a native addon once
 * no live thread holds it, and onnxruntime-node 1.14 cannot be loaded again after that ("Module
 * did not self-register"): without a keeper, a process whose embedding threads all died could
 * never start a working one again.
 */
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../workers/background-priority.js';

lowerThreadPriority();
// The very package file @xenova/transformers loads, so both hold one binding.
createRequire(import.meta.resolve('@xenova/transformers'))('onnxruntime-node');
// A listener keeps the thread alive; the pool unrefs it, so it never keeps the process alive.
parentPort!.on('message', () => undefined);
parentPort!.postMessage('holding');
