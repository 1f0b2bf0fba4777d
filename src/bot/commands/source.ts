import {
  InteractionContextType,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type SlashCommandStringOption,
} from 'discord.js';
import type { SourceMeta } from '../../engine/types.js';
import type { BotContext } from '../context.js';
import { localized } from '../i18n/index.js';
import { renderSourceCard } from '../render/coverage.js';
import { DISCORD_LIMITS } from '../render/limits.js';
import { truncateWords } from '../render/text.js';
import { ephemeral, NO_MENTIONS } from '../reply.js';

/** The `article` option, picked by title with autocomplete (value: article id); /remove uses it too. */
export function articleOption(o: SlashCommandStringOption): SlashCommandStringOption {
  return o
    .setName('article')
    .setDescription('Start typing a title')
    .setDescriptionLocalizations(localized('Commencez à taper un titre', 'Start typing a title'))
    .setRequired(true)
    .setAutocomplete(true);
}

export const data = new SlashCommandBuilder()
  .setName('source')
  .setDescription('Show one article of the coverage: title, publisher, date, link')
  .setDescriptionLocalizations(
    localized('Afficher un article de la couverture : titre, éditeur, date, lien', 'Show one article of the coverage: title, publisher, date, link'),
  )
  .setContexts(InteractionContextType.Guild)
  .addStringOption(articleOption);

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
/** Folded "title id" of each article, once per article: the engine keeps an unchanged article's object from state to state. */
const foldedSources = new WeakMap<SourceMeta, string>();
/** The folded texts of a coverage list, once per list (the engine hands out one list per state). */
const foldedLists = new WeakMap<readonly SourceMeta[], string[]>();
const haystacks = (sources: readonly SourceMeta[]): string[] => {
  let list = foldedLists.get(sources);
  if (!list) {
    list = sources.map((s) => {
      let hay = foldedSources.get(s);
      if (hay === undefined) foldedSources.set(s, (hay = fold(`${s.title} ${s.id}`)));
      return hay;
    });
    foldedLists.set(sources, list);
  }
  return list;
};

/**
 * Articles whose title (or id) contains every typed word, accents and case ignored; those whose
 * title starts with what was typed first, each group in the list's (title) order. Linear in the
 * coverage per keystroke, with no sort and no re-folding: at 200 000 articles it stays off the
 * event loop's budget.
 */
export function matchSources(sources: readonly SourceMeta[], typed: string): SourceMeta[] {
  const words = fold(typed).split(/\s+/).filter(Boolean);
  const head = fold(typed.trim());
  const leading: SourceMeta[] = [];
  const others: SourceMeta[] = [];
  haystacks(sources).forEach((hay, i) => {
    if (!words.every((w) => hay.includes(w))) return;
    // The folded title is the start of `hay`: a title starting with `head` is a prefix of it.
    (hay.startsWith(head) ? leading : others).push(sources[i]!);
  });
  return leading.concat(others);
}

export async function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const typed = String(interaction.options.getFocused());
  const choices = matchSources(ctx.engine.sources(), typed)
    .filter((s) => s.id.length <= DISCORD_LIMITS.choiceName)
    .slice(0, DISCORD_LIMITS.choices)
    .map((s) => ({ name: truncateWords(s.title, DISCORD_LIMITS.choiceName), value: s.id }));
  await interaction.respond(choices);
}

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const m = ctx.t(interaction.locale);
  const typed = interaction.options.getString('article', true);
  // An id picked from autocomplete, or free text when the member did not pick a choice.
  const source = ctx.engine.source(typed) ?? matchSources(ctx.engine.sources(), typed)[0];
  if (!source) {
    await interaction.reply(ephemeral(m.sourceNotFound));
    return;
  }
  await interaction.reply({ embeds: [renderSourceCard(source, m)], allowedMentions: NO_MENTIONS });
}
