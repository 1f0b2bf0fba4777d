import {
  ChannelType,
  channelMention,
  PermissionFlagsBits,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { BotContext } from '../context.js';
import { moderatorCommand } from './moderator-command.js';
import { localized } from '../i18n/index.js';
import { ephemeral } from '../reply.js';

export const moderatorOnly = true;

const TEXT_CHANNELS = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

/** What the bot needs in a channel to answer a mention there, in a thread, with embeds. */
export const ANSWER_PERMISSIONS = {
  viewChannel: PermissionFlagsBits.ViewChannel,
  sendMessages: PermissionFlagsBits.SendMessages,
  createPublicThreads: PermissionFlagsBits.CreatePublicThreads,
  sendMessagesInThreads: PermissionFlagsBits.SendMessagesInThreads,
  embedLinks: PermissionFlagsBits.EmbedLinks,
} as const;
export type AnswerPermission = keyof typeof ANSWER_PERMISSIONS;

export const data = moderatorCommand({ name: 'channels', fr: 'salons' }, {
  en: 'Channels where the bot answers mentions (moderators)',
  fr: 'Salons où le bot répond aux mentions (modérateurs)',
})
  .addSubcommand((s) =>
    s
      .setName('allow')
      .setNameLocalizations({ fr: 'autoriser' })
      .setDescription('Answer mentions in a channel')
      .setDescriptionLocalizations(localized('Répondre aux mentions dans un salon', 'Answer mentions in a channel'))
      .addChannelOption((o) =>
        o.setName('channel').setNameLocalizations({ fr: 'salon' }).setDescription('Text channel').setDescriptionLocalizations(localized('Salon textuel', 'Text channel')).addChannelTypes(...TEXT_CHANNELS).setRequired(true),
      ),
  )
  .addSubcommand((s) =>
    s
      .setName('deny')
      .setNameLocalizations({ fr: 'refuser' })
      .setDescription('Stop answering mentions in a channel')
      .setDescriptionLocalizations(localized('Ne plus répondre aux mentions dans un salon', 'Stop answering mentions in a channel'))
      .addChannelOption((o) =>
        o.setName('channel').setNameLocalizations({ fr: 'salon' }).setDescription('Text channel').setDescriptionLocalizations(localized('Salon textuel', 'Text channel')).addChannelTypes(...TEXT_CHANNELS).setRequired(true),
      ),
  )
  .addSubcommand((s) =>
    s
      .setName('list')
      .setNameLocalizations({ fr: 'liste' })
      .setDescription('Channels where the bot answers mentions')
      .setDescriptionLocalizations(localized('Salons où le bot répond aux mentions', 'Channels where the bot answers mentions')),
  );

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const m = ctx.t(interaction.locale);
  const guildId = interaction.guildId;
  if (!guildId) {
    await interaction.reply(ephemeral(m.guildOnly));
    return;
  }
  const sub = interaction.options.getSubcommand(true);
  if (sub === 'list') {
    const allowed = await ctx.store.allowedChannels(guildId);
    await interaction.reply(ephemeral(allowed.length ? m.channelsList(allowed.map(channelMention).join(', ')) : m.channelsNone));
    return;
  }
  const channel = interaction.options.getChannel('channel', true);
  if (!(TEXT_CHANNELS as readonly ChannelType[]).includes(channel.type)) {
    await interaction.reply(ephemeral(m.channelNotText));
    return;
  }
  const allow = sub === 'allow';
  if (allow) {
    const missing = missingPermissions(interaction, channel.id);
    if (missing.length > 0) {
      ctx.logger.info({ guildId, channelId: channel.id, missing }, 'channel not allowed: the bot lacks permissions there');
      await interaction.reply(ephemeral(m.channelMissingPermissions(channelMention(channel.id), missing.map((p) => m.permissionNames[p]).join(', '))));
      return;
    }
  }
  await ctx.store.setChannelAllowed(guildId, channel.id, allow);
  ctx.logger.info({ guildId, channelId: channel.id, allow }, 'channel setting changed');
  await interaction.reply(ephemeral(allow ? m.channelAllowed(channelMention(channel.id)) : m.channelDenied(channelMention(channel.id))));
}

/** The answer permissions the bot lacks in a channel (none when Discord's data is not cached: allowed as before). */
function missingPermissions(interaction: ChatInputCommandInteraction, channelId: string): AnswerPermission[] {
  const channel = interaction.guild?.channels.cache.get(channelId);
  const me = interaction.guild?.members.me;
  const granted = channel && me ? channel.permissionsFor(me) : null;
  if (!granted) return [];
  return (Object.keys(ANSWER_PERMISSIONS) as AnswerPermission[]).filter((p) => !granted.has(ANSWER_PERMISSIONS[p]));
}
