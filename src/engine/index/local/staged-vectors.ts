import type { HnswFile } from '../hnsw-file.js';
import type { HnswParams, LabelHit, VectorIndex } from '../vector-index.js';
import { slicer } from './time-slice.js';

/**
 * A reader's vectors in two stages. At first: the checkpoint file searched where it lies
 * (`HnswFile`, hnswlib's algorithm on the same graph) plus an in-memory index of the vectors
 * logged since the checkpoint, with a byte per label saying which are live. Then hnswlib reads
 * the checkpoint into memory, everything moves there and the file is closed: searches cost what
 * they always did. Answers never wait for that read, and never lose the vector side meanwhile:
 * the first answer of a cold start is as hybrid as every later one.
 *
 * The read starts at the second search, or when `load()` is called: a process that asks once
 * (the CLI's `ask`, `ingest`) never pays for it — a started read cannot be abandoned, even
 * `process.exit` waits for it (up to tens of seconds at a million vectors). A bot asks its
 * warm-up questions before it connects, so its read starts then.
 */
export interface StagedVectors extends VectorIndex {
  /** Reads the checkpoint into memory if not yet begun; resolves once searches run there (or the read failed: they stay on the file). */
  load(): Promise<void>;
  /** True once searches run on the in-memory index. */
  readonly inMemory: boolean;
  /** Stops using the file (a released reader state); a read still running is then dropped. */
  close(): void;
}

export function stagedVectors(
  file: HnswFile,
  /** A byte per label, 1 for a live one (its vector is in the file or in `recent`). Owned from now on. */
  live: Uint8Array,
  /** Vectors logged since the checkpoint, in memory. */
  recent: VectorIndex,
  params: HnswParams,
  /** Every label in the checkpoint is below this (its `upTo`). */
  fileLabels: number,
  /** hnswlib's read of the same checkpoint (`path` names the file this one searches), labels mapped in slices (`pause`). */
  readFull: (path: string, pause: () => Promise<void>) => Promise<VectorIndex>,
): StagedVectors {
  let liveMap = live;
  let liveCount = 0;
  for (let l = 0; l < liveMap.length; l++) liveCount += liveMap[l]!;
  let full: VectorIndex | null = null;
  let closed = false;
  /** Labels added or removed while `adopt` runs, replayed on the full index in its last step. */
  let touched: Set<number> | null = null;
  let loading: Promise<void> | null = null;
  let searches = 0;

  const isLive = (label: number) => label >= 0 && label < liveMap.length && liveMap[label] === 1;
  const setLive = (label: number, on: boolean) => {
    if (label >= liveMap.length) {
      if (!on) return;
      const grown = new Uint8Array(Math.max(label + 1, liveMap.length * 2));
      grown.set(liveMap);
      liveMap = grown;
    }
    if (liveMap[label] === (on ? 1 : 0)) return;
    liveMap[label] = on ? 1 : 0;
    liveCount += on ? 1 : -1;
  };
  const fromFile = (label: number) => isLive(label) && !recent.has(label);

  const staged: StagedVectors = {
    dimension: recent.dimension,
    get size() {
      return full ? full.size : liveCount;
    },
    get inMemory() {
      return full !== null;
    },
    load() {
      if (closed) return Promise.resolve();
      loading ??= readFull(file.path, slicer()).then(adopt, () => undefined);
      return loading;
    },
    add(vectors, labels) {
      if (full) return full.add(vectors, labels);
      recent.add(vectors, labels);
      for (const l of labels) {
        setLive(l, true);
        touched?.add(l);
      }
    },
    remove(labels) {
      if (full) return full.remove(labels);
      const gone = [...labels];
      recent.remove(gone);
      for (const l of gone) {
        setLive(l, false);
        touched?.add(l);
      }
    },
    has(label) {
      return full ? full.has(label) : isLive(label);
    },
    labels() {
      if (full) return full.labels();
      const out: number[] = [];
      for (let l = 0; l < liveMap.length; l++) if (liveMap[l]) out.push(l);
      return out;
    },
    vector(label) {
      if (full) return full.vector(label);
      if (recent.has(label)) return recent.vector(label);
      const v = isLive(label) ? file.vectorOf(label) : null;
      if (!v) throw new Error(`no vector for label ${label}`);
      return v;
    },
    search(query, k) {
      if (full) return full.search(query, k);
      if (++searches === 2) void staged.load();
      const n = Math.min(k, liveCount);
      if (n <= 0) return [];
      // Two parts, one ranking: the checkpoint's graph and the vectors logged since.
      const merged: LabelHit[] = [...file.search(query, n, params.efSearch, fromFile), ...recent.search(query, n)];
      return merged.sort((a, b) => b.similarity - a.similarity).slice(0, n);
    },
    async write(path) {
      await staged.load();
      if (!full) throw new Error('the vector index is not in memory');
      await full.write(path);
    },
    close() {
      closed = true;
      if (!full) file.close();
    },
  };

  /**
   * Moves to `index` (the checkpoint read by hnswlib): prunes what is no longer live, adds the
   * vectors logged since, in slices, then catches up in one step with what changed meanwhile.
   */
  async function adopt(index: VectorIndex): Promise<void> {
    if (full || closed) return;
    touched = new Set();
    try {
      const pause = slicer();
      // Every label in the checkpoint is below its bound: those no longer live are marked deleted.
      for (let from = 0; from < fileLabels; from += 16384) {
        const dead: number[] = [];
        for (let l = from; l < Math.min(from + 16384, fileLabels); l++) if (!isLive(l) && index.has(l)) dead.push(l);
        index.remove(dead);
        await pause();
        if (closed) return;
      }
      const logged = recent.labels().filter((l) => recent.has(l));
      for (let i = 0; i < logged.length; i += 8) {
        const batch = logged.slice(i, i + 8).filter((l) => isLive(l) && !index.has(l));
        if (batch.length) index.add(batch.map((l) => recent.vector(l)), batch);
        await pause();
        if (closed) return;
      }
      // One synchronous step: what changed while we sliced, then the switch.
      for (const l of touched) {
        const v = isLive(l) && !index.has(l) ? (recent.has(l) ? recent.vector(l) : file.vectorOf(l)) : null;
        if (v) index.add([v], [l]);
        else if (!isLive(l) && index.has(l)) index.remove([l]);
      }
      full = index;
      file.close();
    } finally {
      touched = null;
    }
  }

  return staged;
}

/** Brings a staged index into memory and resolves once there (at once for any other). */
export function loadVectors(vectors: VectorIndex | null): Promise<void> {
  return vectors?.load?.() ?? Promise.resolve();
}

/** Stops a staged index's use of its file (a released reader state). */
export function closeVectors(vectors: VectorIndex | null): void {
  vectors?.close?.();
}
