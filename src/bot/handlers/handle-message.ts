import { ChannelType, DiscordAPIError, RESTJSONErrorCodes, ThreadAutoArchiveDuration, type Message, type MessageCreateOptions } from 'discord.js';
import { looksEnglish } from '../../engine/text/cross-lingual.js';
import { admit } from '../ask-question.js';
import type { BotContext } from '../context.js';
import { DISCORD_LIMITS } from '../render/limits.js';
import { truncateWords } from '../render/text.js';
import { describeError, NO_MENTIONS } from '../reply.js';
import type { AskVia } from '../store/store.js';

/**
 * Mentions and replies to the bot in allowed channels are answered in a new thread;
 * any message in such a thread is a follow-up, asked with the thread's previous question as context.
 */
export async function handleMessage(message: Message, ctx: BotContext): Promise<void> {
  if (message.author.bot || !message.inGuild() || message.system) return;
  const me = message.client.user.id;
  const channel = message.channel;

  const threadQuestion = channel.isThread() ? await ctx.store.threadQuestion(channel.id) : undefined;
  const addressed = message.mentions.users.has(me) || message.mentions.repliedUser?.id === me;
  if (threadQuestion === undefined && !addressed) return;

  // Threads follow their parent channel's setting, so denying a channel also silences its threads.
  const settingChannel = channel.isThread() ? channel.parentId : channel.id;
  if (!settingChannel || !(await ctx.store.isChannelAllowed(message.guildId, settingChannel))) {
    ctx.logger.debug({ channelId: channel.id }, 'mention in a channel that is not allowed');
    return;
  }

  const question = message.content.replace(/<@!?\d+>/g, ' ').replace(/\s+/g, ' ').trim();
  // A message carries no locale: answer in the question's language, the server's when there is none.
  const locale = question ? (looksEnglish(question) ? 'en-US' : 'fr') : message.guild.preferredLocale;
  const m = ctx.t(locale);
  if (!question) {
    await message.reply({ content: m.emptyMention, allowedMentions: NO_MENTIONS });
    return;
  }
  // Decided before anything is sent; the first call to Discord is the refusal or the typing indicator.
  const admission = await admit(ctx, message.author.id, locale);
  if (!admission.ok) {
    await message.reply({ content: admission.reason, allowedMentions: NO_MENTIONS });
    return;
  }

  const inOurThread = threadQuestion !== undefined;
  // A thread cannot hold another thread: mentions inside someone else's thread are answered in place.
  const inPlace = inOurThread || channel.isThread() || channel.type === ChannelType.GuildVoice;
  if (!inPlace) void channel.sendTyping().catch(() => undefined);
  let target: typeof channel | Awaited<ReturnType<typeof message.startThread>> = channel;
  // Answering in the channel, as a reply to the question, when no thread could be made there.
  let replyTo: Message | null = null;
  if (!inPlace) {
    try {
      target = await message.startThread({
        name: truncateWords(question, DISCORD_LIMITS.threadName),
        autoArchiveDuration: ThreadAutoArchiveDuration.OneDay,
      });
    } catch (error) {
      if (!isPermissionRefusal(error)) {
        admission.release();
        throw error;
      }
      ctx.logger.warn({ channelId: channel.id, code: error.code }, 'cannot create threads in this channel: answering in the channel');
      replyTo = message;
    }
  }
  const send = (payload: MessageCreateOptions) =>
    replyTo ? replyTo.reply({ ...payload, allowedMentions: NO_MENTIONS }) : target.send({ ...payload, allowedMentions: NO_MENTIONS });
  const via: AskVia = inOurThread ? 'thread' : 'mention';
  try {
    await target.sendTyping().catch(() => undefined);
    const { message: reply } = await admission.ask({
      question,
      context: threadQuestion ?? null,
      offset: 0,
      questionId: null,
      userId: message.author.id,
      guildId: message.guildId,
      channelId: target.id,
      via,
      locale,
    });
    if (target.isThread()) await ctx.store.rememberThread(target.id, message.guildId, question);
    await send(reply);
  } catch (error) {
    const content = describeError(error, ctx, locale, { message: message.id });
    await send({ content });
  }
}

/** Discord refused for lack of a permission (403: Missing Permissions or Missing Access). */
function isPermissionRefusal(error: unknown): error is DiscordAPIError {
  return (
    error instanceof DiscordAPIError &&
    (error.status === 403 || error.code === RESTJSONErrorCodes.MissingPermissions || error.code === RESTJSONErrorCodes.MissingAccess)
  );
}
