import type { RankedList } from '../search/fuse.js';
import type { Answer, SearchMode } from '../types.js';

/**
 * What an answer is made from besides the question's analysis and the state of the coverage (a
 * memo serves one question on one state): what each retriever found, best first with its scores,
 * and the ask's page, mode and warnings.
 */
export interface AnswerInputs {
  lists: readonly RankedList[];
  mode: SearchMode;
  k: number;
  offset: number;
  warnings: readonly string[];
}

/** Answers made for one question on one state of the coverage, by what they were made from. */
export interface AnswerMemo {
  /** The answer made before from these very inputs, as a copy; undefined when there is none. */
  get(inputs: AnswerInputs): Answer | undefined;
  remember(inputs: AnswerInputs, answer: Answer): void;
}

/** Pages of one question kept ("more passages", another size); past it the oldest is dropped. */
const KEPT = 4;

interface Entry {
  lists: { name: string; weight: number; ids: string[]; scores: number[] }[];
  mode: SearchMode;
  k: number;
  offset: number;
  warnings: string[];
  answer: Answer;
}

/**
 * Fusion, passage reads, diversity, reranking and the answer's assembly are pure in the
 * retrievers' lists, for a question on a state of the coverage. A repeated question is embedded
 * and searched again (its vector, so its hits, may differ), and only when both lists come out as
 * before, ids and scores, is the rest skipped: on the seed coverage that rest was ~0.4 ms of a
 * warm hybrid ask, all of it after the embedding (bench/README.md, "ask overhead").
 * @example const memo = createAnswerMemo(); memo.remember(inputs, answer); memo.get(inputs) // a copy of answer
 */
export function createAnswerMemo(kept = KEPT): AnswerMemo {
  const entries: Entry[] = [];
  return {
    get(inputs) {
      const entry = entries.find((e) => matches(e, inputs));
      return entry ? copy(entry.answer) : undefined;
    },
    remember({ lists, mode, k, offset, warnings }, answer) {
      entries.push({
        lists: lists.map((l) => ({ name: l.name, weight: l.weight, ids: l.hits.map((h) => h.id), scores: l.hits.map((h) => h.score) })),
        mode,
        k,
        offset,
        warnings: [...warnings],
        answer: copy(answer),
      });
      if (entries.length > kept) entries.shift();
    },
  };
}

function matches(e: Entry, { lists, mode, k, offset, warnings }: AnswerInputs): boolean {
  if (e.mode !== mode || e.k !== k || e.offset !== offset || e.lists.length !== lists.length || e.warnings.length !== warnings.length) return false;
  for (let i = 0; i < warnings.length; i++) if (e.warnings[i] !== warnings[i]) return false;
  for (let l = 0; l < lists.length; l++) {
    const was = e.lists[l]!;
    const { name, weight, hits } = lists[l]!;
    if (was.name !== name || was.weight !== weight || was.ids.length !== hits.length) return false;
    for (let i = 0; i < hits.length; i++) if (was.ids[i] !== hits[i]!.id || was.scores[i] !== hits[i]!.score) return false;
  }
  return true;
}

/** A caller may change the lists of the answer it got (add a warning): not those of the next one. */
function copy(answer: Answer): Answer {
  return {
    ...answer,
    passages: [...answer.passages],
    suggestions: [...answer.suggestions],
    disagreements: [...answer.disagreements],
    warnings: [...answer.warnings],
  };
}
