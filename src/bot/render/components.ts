import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import type { Messages } from '../i18n/index.js';
import { formatCustomId } from './custom-id.js';

export type ButtonRow = APIActionRowComponent<APIButtonComponent>;

/**
 * Buttons under an answer: more passages (when there are more), 👍/👎, and the answer's sources.
 * `nextOffset` null hides "more passages".
 */
export function answerButtons(questionId: number, nextOffset: number | null, hasPassages: boolean, m: Messages): ButtonRow[] {
  const buttons: APIButtonComponent[] = [];
  if (nextOffset !== null) {
    buttons.push({
      type: ComponentType.Button,
      style: ButtonStyle.Primary,
      label: m.morePassages,
      custom_id: formatCustomId({ kind: 'more', questionId, offset: nextOffset }),
    });
  }
  buttons.push(
    { type: ComponentType.Button, style: ButtonStyle.Secondary, emoji: { name: '👍' }, custom_id: formatCustomId({ kind: 'vote', questionId, vote: 1 }) },
    { type: ComponentType.Button, style: ButtonStyle.Secondary, emoji: { name: '👎' }, custom_id: formatCustomId({ kind: 'vote', questionId, vote: -1 }) },
  );
  if (hasPassages) {
    buttons.push({
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: m.sources,
      custom_id: formatCustomId({ kind: 'sources', questionId }),
    });
  }
  return [{ type: ComponentType.ActionRow, components: buttons }];
}

/** Previous / next buttons for the paged coverage list. */
export function pageButtons(page: number, pages: number, m: Messages): ButtonRow[] {
  if (pages <= 1) return [];
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Secondary, label: m.previous, custom_id: formatCustomId({ kind: 'coverage', page: page - 1 }), disabled: page <= 1 },
        { type: ComponentType.Button, style: ButtonStyle.Secondary, label: m.next, custom_id: formatCustomId({ kind: 'coverage', page: page + 1 }), disabled: page >= pages },
      ],
    },
  ];
}
