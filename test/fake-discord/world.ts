import { snowflake } from './snowflake.js';

/**
 * The small Discord world the fake serves: one guild (more with `addGuild`), a few channels, a bot, a moderator and a member.
 * Payload shapes follow Discord API v10 as discord.js 14 reads them.
 */

export const PERMISSIONS = {
  viewChannel: 1n << 10n,
  sendMessages: 1n << 11n,
  embedLinks: 1n << 14n,
  readMessageHistory: 1n << 16n,
  manageGuild: 1n << 5n,
  useApplicationCommands: 1n << 31n,
  createPublicThreads: 1n << 35n,
  sendMessagesInThreads: 1n << 38n,
} as const;

const MEMBER_PERMISSIONS =
  PERMISSIONS.viewChannel |
  PERMISSIONS.sendMessages |
  PERMISSIONS.embedLinks |
  PERMISSIONS.readMessageHistory |
  PERMISSIONS.useApplicationCommands |
  PERMISSIONS.createPublicThreads |
  PERMISSIONS.sendMessagesInThreads;

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: null;
  bot?: boolean;
}

export interface World {
  applicationId: string;
  bot: FakeUser;
  moderator: FakeUser;
  member: FakeUser;
  guildId: string;
  /** Channel where the bot is allowed to answer mentions (once a moderator allows it). */
  generalChannelId: string;
  /** A second text channel, for "denied channel" cases. */
  otherChannelId: string;
  permissions: { member: string; moderator: string };
  /** Channels by id, including threads the bot creates. */
  channels: Map<string, Record<string, unknown>>;
  /** Every guild the bot is in: `guildId` first, then those added by `addGuild`. */
  guildIds: string[];
}

/** The shard a guild's events go to: `(guild_id >> 22) % shard_count`, as Discord routes them. */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/**
 * Adds a guild (with a #general channel) to the world; `onShard: [id, count]` picks its id so its
 * events go to that shard.
 */
export function addGuild(world: World, options: { onShard?: [number, number] } = {}): { guildId: string; generalChannelId: string } {
  let at = Date.now();
  let guildId = snowflake(at);
  const [shard, count] = options.onShard ?? [0, 1];
  // The shard is decided by the timestamp part of the id: step it back a millisecond until it fits.
  while (shardOfGuild(guildId, count) !== shard || world.guildIds.includes(guildId)) guildId = snowflake(--at);
  const generalChannelId = snowflake();
  world.guildIds.push(guildId);
  world.channels.set(generalChannelId, { ...textChannel(world, generalChannelId, 'general', 0), guild_id: guildId });
  return { guildId, generalChannelId };
}

/** The guild a channel (or thread) belongs to; the world's first guild for unknown channels. */
export function guildOfChannel(world: World, channelId: string): string {
  return (world.channels.get(channelId)?.guild_id as string | undefined) ?? world.guildId;
}

/** A new member (or bot) with a fresh id. */
export function user(username: string, bot = false): FakeUser {
  return {
    id: snowflake(),
    username,
    global_name: bot ? null : username,
    discriminator: '0',
    avatar: null,
    ...(bot ? { bot: true } : {}),
  };
}

export function createWorld(): World {
  const guildId = snowflake();
  const world: World = {
    applicationId: snowflake(),
    bot: user('depeche', true),
    moderator: user('modo'),
    member: user('lectrice'),
    guildId,
    generalChannelId: snowflake(),
    otherChannelId: snowflake(),
    permissions: {
      member: MEMBER_PERMISSIONS.toString(),
      moderator: (MEMBER_PERMISSIONS | PERMISSIONS.manageGuild).toString(),
    },
    channels: new Map(),
    guildIds: [guildId],
  };
  world.channels.set(world.generalChannelId, textChannel(world, world.generalChannelId, 'general', 0));
  world.channels.set(world.otherChannelId, textChannel(world, world.otherChannelId, 'hors-sujet', 1));
  return world;
}

function textChannel(world: World, id: string, name: string, position: number): Record<string, unknown> {
  return {
    id,
    type: 0,
    guild_id: world.guildId,
    name,
    position,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
  };
}

export function guildMember(world: World, u: FakeUser, permissions?: string): Record<string, unknown> {
  return {
    user: u,
    nick: null,
    avatar: null,
    roles: [],
    joined_at: new Date(0).toISOString(),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    ...(permissions ? { permissions } : {}),
  };
}

/** READY for a connection identified as `shard` ([id, count]): only that shard's guilds. */
export function readyPayload(world: World, sessionId: string, resumeUrl: string, shard: [number, number] = [0, 1]): Record<string, unknown> {
  return {
    v: 10,
    user: { ...world.bot, verified: true, mfa_enabled: false, flags: 0 },
    guilds: guildsOnShard(world, shard).map((id) => ({ id, unavailable: true })),
    session_id: sessionId,
    resume_gateway_url: resumeUrl,
    shard,
    application: { id: world.applicationId, flags: 0 },
  };
}

export function guildsOnShard(world: World, [shard, count]: [number, number]): string[] {
  return world.guildIds.filter((id) => shardOfGuild(id, count) === shard);
}

export function guildCreatePayload(world: World, guildId: string = world.guildId): Record<string, unknown> {
  const inGuild = [...world.channels.values()].filter((c) => (c.guild_id ?? world.guildId) === guildId);
  const channels = inGuild.filter((c) => c.type === 0);
  const threads = inGuild.filter((c) => c.type === 11);
  return {
    id: guildId,
    name: 'Rédaction',
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: world.moderator.id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [
      {
        id: guildId,
        name: '@everyone',
        color: 0,
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: world.permissions.member,
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: 'fr',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    joined_at: new Date(0).toISOString(),
    large: false,
    unavailable: false,
    member_count: 3,
    voice_states: [],
    members: [guildMember(world, world.bot)],
    channels,
    threads,
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export interface InteractionOptions {
  user?: FakeUser;
  /** Computed permissions of the member, as Discord sends them. Defaults to the member's. */
  permissions?: string;
  channelId?: string;
  locale?: string;
  /** Attachment objects (from `FakeDiscord.upload`) that attachment options (type 11) refer to by id. */
  attachments?: { id: string }[];
}

function interactionBase(world: World, type: number, o: InteractionOptions): Record<string, unknown> {
  const u = o.user ?? world.member;
  const permissions = o.permissions ?? (u.id === world.moderator.id ? world.permissions.moderator : world.permissions.member);
  const channelId = o.channelId ?? world.generalChannelId;
  const channel = world.channels.get(channelId) ?? { id: channelId, type: 0 };
  const guildId = guildOfChannel(world, channelId);
  return {
    id: snowflake(),
    application_id: world.applicationId,
    type,
    token: `tok-${snowflake()}-${Math.random().toString(36).slice(2)}`,
    version: 1,
    guild_id: guildId,
    guild: { id: guildId, locale: 'fr', features: [] },
    guild_locale: 'fr',
    channel_id: channelId,
    channel,
    member: guildMember(world, u, permissions),
    app_permissions: world.permissions.moderator,
    locale: o.locale ?? 'fr',
    entitlements: [],
    authorizing_integration_owners: { '0': guildId },
    context: 0,
    attachment_size_limit: 10_485_760,
  };
}

export type CommandOption = {
  name: string;
  type: number;
  value?: string | number | boolean;
  focused?: boolean;
  options?: CommandOption[];
};

/** A chat-input command interaction (type 2). Option types: 3 string, 4 integer, 5 boolean, 7 channel, 11 attachment. */
export function commandInteraction(
  world: World,
  name: string,
  options: CommandOption[] = [],
  o: InteractionOptions = {},
): Record<string, unknown> {
  // Channel options come with the channel itself in `resolved`, as Discord sends them.
  const channelIds = flatten(options).filter((x) => x.type === 7).map((x) => String(x.value));
  const channels = channelIds.length
    ? { channels: Object.fromEntries(channelIds.map((id) => [id, { ...(world.channels.get(id) ?? { id, type: 0 }), permissions: world.permissions.member }])) }
    : undefined;
  const attachments = o.attachments?.length ? { attachments: Object.fromEntries(o.attachments.map((a) => [String(a.id), a])) } : undefined;
  const resolved = channels || attachments ? { ...channels, ...attachments } : undefined;
  return {
    ...interactionBase(world, 2, o),
    data: { id: snowflake(), name, type: 1, options, guild_id: guildOfChannel(world, o.channelId ?? world.generalChannelId), ...(resolved ? { resolved } : {}) },
  };
}

function flatten(options: CommandOption[]): CommandOption[] {
  return options.flatMap((x) => [x, ...flatten(x.options ?? [])]);
}

export function autocompleteInteraction(
  world: World,
  name: string,
  options: CommandOption[],
  o: InteractionOptions = {},
): Record<string, unknown> {
  return {
    ...interactionBase(world, 4, o),
    data: { id: snowflake(), name, type: 1, options, guild_id: guildOfChannel(world, o.channelId ?? world.generalChannelId) },
  };
}

/** A button click (type 3) on a message the bot sent. */
export function buttonInteraction(
  world: World,
  customId: string,
  message: Record<string, unknown>,
  o: InteractionOptions = {},
): Record<string, unknown> {
  return {
    ...interactionBase(world, 3, { ...o, channelId: o.channelId ?? (message.channel_id as string) }),
    message,
    data: { custom_id: customId, component_type: 2 },
  };
}

export interface MessageOptions {
  author?: FakeUser;
  channelId?: string;
  mentionsBot?: boolean;
  /** A message the new one replies to (Discord sends it whole as `referenced_message`). */
  replyTo?: Record<string, unknown>;
}

/** A MESSAGE_CREATE payload from a member. */
export function userMessage(world: World, content: string, o: MessageOptions = {}): Record<string, unknown> {
  const author = o.author ?? world.member;
  const channelId = o.channelId ?? world.generalChannelId;
  const mentions: unknown[] = [];
  if (o.mentionsBot) mentions.push({ ...world.bot, member: guildMember(world, world.bot) });
  const reply = o.replyTo;
  if (reply) mentions.push({ ...(reply.author as FakeUser) });
  return {
    id: snowflake(),
    type: reply ? 19 : 0,
    channel_id: channelId,
    guild_id: guildOfChannel(world, channelId),
    author,
    member: guildMember(world, author),
    content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions,
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    flags: 0,
    components: [],
    ...(reply
      ? {
          message_reference: { type: 0, message_id: reply.id, channel_id: reply.channel_id, guild_id: guildOfChannel(world, channelId) },
          referenced_message: reply,
        }
      : {}),
  };
}
