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

/** Articles whose title (or id) contains every typed word, accents and case ignored; titles first. */
export function matchSources(sources: SourceMeta[], typed: string): SourceMeta[] {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const words = fold(typed).split(/\s+/).filter(Boolean);
  const hits = sources.filter((s) => {
    const hay = fold(`${s.title} ${s.id}`);
    return words.every((w) => hay.includes(w));
  });
  const head = fold(typed.trim());
  return hits.sort((a, b) => Number(fold(b.title).startsWith(head)) - Number(fold(a.title).startsWith(head)) || a.title.localeCompare(b.title));
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
