import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKGROUND_NICE } from '../src/engine/workers/background-priority.js';
import { defaultEmbedWorkers } from '../src/engine/embed/embed-pool.js';
import { createEmbedder, type Embedder } from '../src/engine/embed/embedder.js';
import { TINY_MODEL_DIR, TINY_MODEL_ID } from './helpers/tiny-model.js';

const tiny = { model: TINY_MODEL_ID, modelDir: TINY_MODEL_DIR, cacheDir: null };
const passages = (n: number) => Array.from({ length: n }, (_, i) => `Passage ${i} : le conseil municipal a voté le budget ${i} après un long débat sur les écoles.`);

describe('the embedding model in worker threads', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await createEmbedder({ ...tiny, workers: 1, passageJobSize: 4 });
  });
  afterAll(() => embedder.dispose());

  it('leaves the calling thread free while it embeds: timers keep firing during a long job', async () => {
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const vectors = await embedder.embedPassages(passages(300));
    running = false;
    expect(vectors).toHaveLength(300);
    // In-thread inference (onnxruntime-node runs it synchronously) would leave the loop no turn at all.
    expect(ticks).toBeGreaterThan(20);
  });

  it('answers a question before the passages queued ahead of it', async () => {
    let passagesDone = false;
    const bulk = embedder.embedPassages(passages(400)).then((v) => {
      passagesDone = true;
      return v;
    });
    const [query] = await embedder.embedQueries(['budget des écoles']);
    expect(passagesDone).toBe(false);
    expect(query).toHaveLength(embedder.dimension);
    expect(await bulk).toHaveLength(400);
  });

  it('gives the same vectors from two threads as from one, in order', async () => {
    const two = await createEmbedder({ ...tiny, workers: 2, passageJobSize: 3 });
    try {
      const texts = passages(25);
      const [a, b] = [await embedder.embedPassages(texts), await two.embedPassages(texts)];
      b.forEach((v, i) => expect([...v]).toEqual([...a[i]!]));
    } finally {
      await two.dispose();
    }
  });

  it('reports progress as jobs finish, ending at the total', async () => {
    const seen: number[] = [];
    await embedder.embedPassages(passages(10), (done, total) => {
      expect(total).toBe(10);
      seen.push(done);
    });
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(10);
    expect([...seen].sort((x, y) => x - y)).toEqual(seen);
  });

  it('loads again after a dispose (the threads outlive the models they hold)', async () => {
    for (let i = 0; i < 2; i++) {
      const again = await createEmbedder(tiny);
      expect((await again.embedQueries(['encore']))[0]).toHaveLength(embedder.dimension);
      await again.dispose();
      await expect(again.embedQueries(['après'])).rejects.toThrow(/disposed/);
    }
  });

  // Under `nice -n 10` or more the model cannot be put below the process: nothing to show then.
  const askingNice = process.platform === 'linux' ? getPriority(0) : 0;
  it.runIf(process.platform === 'linux' && askingNice < BACKGROUND_NICE)('runs the model at a lower CPU priority than the thread that asks', async () => {
    await embedder.embedQueries(['priorité']);
    // Linux gives each thread its own nice value: the host thread lowered its own (and onnxruntime's
    // threads, started from it, inherit it), so a busy model never takes a core from the event loop.
    const nice = readdirSync('/proc/self/task').map((tid) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]));
    expect(nice.filter((n) => n === BACKGROUND_NICE).length).toBeGreaterThanOrEqual(1);
    expect(getPriority(0)).toBe(askingNice);
  });

  it('picks one thread per two cores, at most four', () => {
    expect([1, 2, 3, 4, 8, 32].map((cores) => defaultEmbedWorkers(cores))).toEqual([1, 1, 1, 2, 4, 4]);
  });
});
