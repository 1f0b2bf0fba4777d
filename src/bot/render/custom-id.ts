/**
 * Button ids. Each carries only a question-log id and small numbers, so it stays far below
 * Discord's 100-char limit whatever the question; the rest is looked up in the store.
 */

export type ButtonAction =
  | { kind: 'more'; questionId: number; offset: number }
  | { kind: 'vote'; questionId: number; vote: 1 | -1 }
  | { kind: 'sources'; questionId: number }
  | { kind: 'coverage'; page: number };

export function formatCustomId(action: ButtonAction): string {
  switch (action.kind) {
    case 'more':
      return `more:${action.questionId}:${action.offset}`;
    case 'vote':
      return `vote:${action.questionId}:${action.vote === 1 ? 'up' : 'down'}`;
    case 'sources':
      return `srcs:${action.questionId}`;
    case 'coverage':
      return `cov:${action.page}`;
  }
}

/** The action a button id stands for, or null for ids this bot did not make. */
export function parseCustomId(id: string): ButtonAction | null {
  const [kind, a, b] = id.split(':');
  const n = (s: string | undefined) => (s !== undefined && /^\d{1,16}$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : null);
  const first = n(a);
  if (first === null) return null;
  if (kind === 'more' && n(b) !== null) return { kind: 'more', questionId: first, offset: n(b)! };
  if (kind === 'vote' && (b === 'up' || b === 'down')) return { kind: 'vote', questionId: first, vote: b === 'up' ? 1 : -1 };
  if (kind === 'srcs' && b === undefined) return { kind: 'sources', questionId: first };
  if (kind === 'cov' && b === undefined) return { kind: 'coverage', page: first };
  return null;
}
