import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { localized } from '../i18n/index.js';

/**
 * The builder every moderator command starts from: server-only, hidden from members without
 * Manage Server (`default_member_permissions`; the router checks the permission again at run time).
 * @example moderatorCommand({ name: 'reindex', fr: 'reindexer' }, { en: 'Rebuild…', fr: 'Reconstruire…' })
 */
export function moderatorCommand(name: { name: string; fr?: string }, description: { en: string; fr: string }): SlashCommandBuilder {
  const builder = new SlashCommandBuilder()
    .setName(name.name)
    .setDescription(description.en)
    .setDescriptionLocalizations(localized(description.fr, description.en))
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild);
  return name.fr ? builder.setNameLocalizations({ fr: name.fr }) : builder;
}
