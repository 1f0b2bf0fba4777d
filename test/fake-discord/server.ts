import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { snowflake } from './snowflake.js';
import { createWorld, guildCreatePayload, guildsOnShard, readyPayload, shardOfGuild, type World } from './world.js';

/**
 * A fake Discord on 127.0.0.1: the REST routes a discord.js 14 bot uses (API v10) and a JSON gateway.
 * Every REST request is recorded; gateway events are dispatched by the test.
 * It behaves like Discord where the bot could get it wrong: a second acknowledgement of an interaction
 * fails, editing a response that was never acknowledged fails, and wrong tokens get 401.
 * Sharded bots work as on Discord: each gateway connection says in its IDENTIFY which shard it is
 * ([id, count]) and gets only the events of its guilds, `(guild_id >> 22) % count === id`.
 */

export interface RecordedRequest {
  method: string;
  /** Path below `/api/v10`, e.g. `/interactions/123/tok/callback`. */
  path: string;
  query: Record<string, string>;
  body: any;
  /** Date.now() when the request arrived. */
  at: number;
  status: number;
}

export interface GatewayFrame {
  op: number;
  d: any;
  s?: number | null;
  t?: string | null;
}

interface InteractionState {
  payload: Record<string, any>;
  receivedAt: number;
  acknowledged: boolean;
  original: Record<string, any> | null;
}

export interface FakeDiscordOptions {
  /** Token the bot must present (`Authorization: Bot <token>`). */
  token?: string;
  world?: World;
  /** Shard count `/gateway/bot` recommends (what SHARD_COUNT=auto gets). */
  recommendedShards?: number;
}

export interface FakeDiscord {
  world: World;
  token: string;
  /** REST base to give discord.js (`rest.api` / DISCORD_API_URL), e.g. `http://127.0.0.1:1234/api`. */
  apiUrl: string;
  gatewayUrl: string;
  requests: RecordedRequest[];
  /** Frames the bot sent on the gateway (IDENTIFY, heartbeats…). */
  gatewayFrames: GatewayFrame[];
  /** Messages that exist, by id (bot messages, interaction responses, dispatched user messages). */
  messages: Map<string, Record<string, any>>;
  /** Resolves once a client identified and got READY + GUILD_CREATE. */
  ready(timeoutMs?: number): Promise<void>;
  /** Resolves once a connection identified as shard `id` got READY + its GUILD_CREATEs; gives its shard count. */
  shardReady(id: number, timeoutMs?: number): Promise<number>;
  dispatch(event: string, data: unknown): void;
  /** Closes every gateway connection with this close code, as Discord does (4004 bad token, 4014 disallowed intents…). */
  closeGateway(code: number, reason: string): void;
  /** Dispatches INTERACTION_CREATE and remembers the interaction so callbacks can be checked. */
  interact(payload: Record<string, any>): Record<string, any>;
  /** Dispatches MESSAGE_CREATE for a member's message. */
  say(message: Record<string, any>): Record<string, any>;
  waitForRequest(predicate: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /**
   * Puts a file on the fake CDN (same server, outside /api, no auth, served as
   * application/octet-stream as Discord's CDN does) and returns its attachment object, for
   * `resolved.attachments`. `statedSize` lets a test claim another size than the real one.
   */
  upload(filename: string, data: Buffer, options?: { statedSize?: number }): FakeAttachment;
  /** From now on, creating a thread in this channel fails with 403 Missing Permissions (code 50013). */
  refuseThreadsIn(channelId: string): void;
  /**
   * Denies the bot these permission bits in a channel (a member overwrite), as a moderator
   * editing the channel does; dispatches CHANNEL_UPDATE.
   */
  denyBotIn(channelId: string, deny: bigint): void;
  /** Requests made for one interaction (callback and webhook routes using its token). */
  requestsFor(interaction: Record<string, any>): RecordedRequest[];
  close(): Promise<void>;
}

export interface FakeAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
}

type Handler = (
  match: RegExpMatchArray,
  body: any,
  query: Record<string, string>,
) => { status: number; json?: unknown } | Promise<{ status: number; json?: unknown }>;

const EPHEMERAL = 64;

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const world = options.world ?? createWorld();
  // Shaped like a real bot token: base64 of the bot id, a timestamp part, an HMAC part.
  const token =
    options.token ?? `${Buffer.from(world.bot.id).toString('base64url')}.GfAkE1.${randomBytes(28).toString('base64url')}`;
  const requests: RecordedRequest[] = [];
  const gatewayFrames: GatewayFrame[] = [];
  const messages = new Map<string, Record<string, any>>();
  const interactions = new Map<string, InteractionState>();
  const commands = new Map<string, unknown[]>();
  const sockets = new Set<WebSocket>();
  const cdnFiles = new Map<string, Buffer>();
  const requestWaiters = new Set<{ predicate: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }>();
  let readyResolvers: (() => void)[] = [];
  let isReady = false;
  /** The [id, count] each gateway connection identified with. */
  const shardOf = new Map<WebSocket, [number, number]>();
  const readyShards = new Map<number, number>();
  const shardWaiters = new Set<() => void>();
  let seq = 0;

  const http = createServer((req, res) => void handle(req, res));
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/gateway')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => onGateway(ws, req));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const base = `127.0.0.1:${port}`;
  const gatewayUrl = `ws://${base}/gateway`;

  function send(ws: WebSocket, frame: GatewayFrame): void {
    ws.send(JSON.stringify(frame));
  }

  /** Sends an event to every connection, or, for a guild's event, to the shard that guild is on. */
  function dispatch(event: string, data: unknown, only?: WebSocket): void {
    seq += 1;
    const d = data as Record<string, unknown> | null;
    const guildId = (event === 'GUILD_CREATE' ? d?.id : d?.guild_id) as string | undefined;
    for (const ws of only ? [only] : sockets) {
      const shard = shardOf.get(ws);
      if (guildId && shard && shardOfGuild(guildId, shard[1]) !== shard[0]) continue;
      send(ws, { op: 0, s: seq, t: event, d: data });
    }
  }

  function onGateway(ws: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', `http://${base}`);
    // The bot must ask for plain JSON: the fake speaks neither zlib-stream nor etf.
    if (url.searchParams.get('encoding') !== 'json' || url.searchParams.get('v') !== '10') {
      ws.close(4012, 'Invalid API version or encoding');
      return;
    }
    sockets.add(ws);
    ws.on('close', () => {
      sockets.delete(ws);
      shardOf.delete(ws);
    });
    send(ws, { op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null });
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as GatewayFrame;
      gatewayFrames.push(frame);
      if (frame.op === 1) send(ws, { op: 11, d: null });
      else if (frame.op === 2) {
        if (frame.d?.token !== token) {
          ws.close(4004, 'Authentication failed.');
          return;
        }
        const shard: [number, number] = Array.isArray(frame.d?.shard) ? [frame.d.shard[0], frame.d.shard[1]] : [0, 1];
        shardOf.set(ws, shard);
        seq += 1;
        send(ws, { op: 0, s: seq, t: 'READY', d: readyPayload(world, snowflake(), gatewayUrl, shard) });
        setTimeout(() => {
          for (const guildId of guildsOnShard(world, shard)) dispatch('GUILD_CREATE', guildCreatePayload(world, guildId), ws);
          isReady = true;
          readyShards.set(shard[0], shard[1]);
          for (const r of [...readyResolvers, ...shardWaiters]) r();
          readyResolvers = [];
        }, 10);
      } else if (frame.op === 6) {
        seq += 1;
        send(ws, { op: 0, s: seq, t: 'RESUMED', d: {} });
      }
    });
  }

  function message(channelId: string, body: any, extra: Record<string, unknown> = {}): Record<string, any> {
    const channel = world.channels.get(channelId);
    const msg: Record<string, any> = {
      id: snowflake(),
      type: 0,
      channel_id: channelId,
      ...(channel?.guild_id ? { guild_id: channel.guild_id } : {}),
      author: world.bot,
      content: body?.content ?? '',
      embeds: body?.embeds ?? [],
      components: body?.components ?? [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: body?.flags ?? 0,
      ...extra,
    };
    messages.set(msg.id, msg);
    return msg;
  }

  function edit(msg: Record<string, any>, body: any): Record<string, any> {
    for (const key of ['content', 'embeds', 'components'] as const) {
      if (body && key in body) msg[key] = body[key];
    }
    msg.edited_timestamp = new Date().toISOString();
    return msg;
  }

  const threadsRefused = new Set<string>();
  function createThread(parentId: string, body: any, fromMessage: string | null): { status: number; json?: unknown } {
    const parent = world.channels.get(parentId);
    if (!parent) return unknownChannel();
    if (threadsRefused.has(parentId)) return { status: 403, json: { message: 'Missing Permissions', code: 50013 } };
    const thread = {
      id: fromMessage ?? snowflake(),
      type: 11,
      guild_id: parent.guild_id ?? world.guildId,
      parent_id: parentId,
      owner_id: world.bot.id,
      name: body?.name ?? 'thread',
      last_message_id: null,
      rate_limit_per_user: 0,
      message_count: 0,
      member_count: 1,
      thread_metadata: {
        archived: false,
        auto_archive_duration: body?.auto_archive_duration ?? 1440,
        archive_timestamp: new Date().toISOString(),
        locked: false,
        create_timestamp: new Date().toISOString(),
      },
      total_message_sent: 0,
      flags: 0,
    };
    world.channels.set(thread.id, thread);
    dispatch('THREAD_CREATE', { ...thread, newly_created: true });
    return { status: 201, json: thread };
  }

  const unknownChannel = () => ({ status: 404, json: { message: 'Unknown Channel', code: 10003 } });
  const unknownWebhook = () => ({ status: 404, json: { message: 'Unknown Webhook', code: 10015 } });

  function interactionByToken(tok: string): InteractionState | undefined {
    return [...interactions.values()].find((i) => i.payload.token === tok);
  }

  const routes: [string, RegExp, Handler][] = [
    [
      'GET',
      /^\/gateway\/bot$/,
      () => ({
        status: 200,
        json: {
          url: gatewayUrl,
          shards: options.recommendedShards ?? 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
        },
      }),
    ],
    ['GET', /^\/gateway$/, () => ({ status: 200, json: { url: gatewayUrl } })],
    ['GET', /^\/users\/@me$/, () => ({ status: 200, json: world.bot })],
    [
      'GET',
      /^\/applications\/@me$/,
      () => ({ status: 200, json: { id: world.applicationId, name: 'Dépêche', flags: 0, bot_public: true } }),
    ],
    [
      'PUT',
      /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/,
      (m, body) => {
        if (m[1] !== world.applicationId) return { status: 404, json: { message: 'Unknown Application', code: 10002 } };
        const saved = (body as any[]).map((c) => ({
          ...c,
          id: snowflake(),
          application_id: world.applicationId,
          version: snowflake(),
          ...(m[2] ? { guild_id: m[2] } : {}),
        }));
        commands.set(m[2] ?? 'global', saved);
        return { status: 200, json: saved };
      },
    ],
    [
      'GET',
      /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/,
      (m) => ({ status: 200, json: commands.get(m[2] ?? 'global') ?? [] }),
    ],
    [
      'POST',
      /^\/interactions\/(\d+)\/([^/]+)\/callback$/,
      (m, body, query) => {
        const state = interactions.get(m[1]!);
        if (!state || state.payload.token !== m[2]) return { status: 404, json: { message: 'Unknown interaction', code: 10062 } };
        if (state.acknowledged) {
          return { status: 400, json: { message: 'Interaction has already been acknowledged.', code: 40060 } };
        }
        state.acknowledged = true;
        const type = body?.type as number;
        const data = body?.data ?? {};
        const channelId = state.payload.channel_id as string;
        if (type === 4 || type === 5) {
          state.original = message(channelId, type === 4 ? data : { flags: data.flags ?? 0 }, {
            type: 20,
            application_id: world.applicationId,
            webhook_id: world.applicationId,
            interaction_metadata: {
              id: state.payload.id,
              type: state.payload.type,
              user: state.payload.member?.user,
              authorizing_integration_owners: state.payload.authorizing_integration_owners,
            },
            ...(type === 5 ? { content: '', flags: (data.flags ?? 0) | 128 } : {}),
          });
        } else if (type === 7 && state.payload.message) {
          const target = messages.get(state.payload.message.id) ?? state.payload.message;
          edit(target, data);
          state.original = target;
        }
        if (query.with_response === 'true') {
          return {
            status: 200,
            json: {
              interaction: { id: state.payload.id, type: state.payload.type, activity_instance_id: null, response_message_id: state.original?.id ?? null, response_message_loading: type === 5, response_message_ephemeral: Boolean((data.flags ?? 0) & EPHEMERAL) },
              resource: { type, ...(state.original ? { message: state.original } : {}) },
            },
          };
        }
        return { status: 204 };
      },
    ],
    [
      'PATCH',
      /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/,
      (m, body) => {
        const state = interactionByToken(m[2]!);
        if (!state || !state.acknowledged) return unknownWebhook();
        const target = m[3] === '@original' ? state.original : messages.get(m[3]!);
        if (!target) return { status: 404, json: { message: 'Unknown Message', code: 10008 } };
        const edited = edit(target, body);
        if (m[3] === '@original') edited.flags = (edited.flags ?? 0) & ~128;
        return { status: 200, json: edited };
      },
    ],
    [
      'GET',
      /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/,
      (m) => {
        const state = interactionByToken(m[2]!);
        const target = m[3] === '@original' ? state?.original : messages.get(m[3]!);
        return target ? { status: 200, json: target } : { status: 404, json: { message: 'Unknown Message', code: 10008 } };
      },
    ],
    [
      'DELETE',
      /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/,
      () => ({ status: 204 }),
    ],
    [
      'POST',
      /^\/webhooks\/(\d+)\/([^/]+)$/,
      (m, body) => {
        const state = interactionByToken(m[2]!);
        if (!state || !state.acknowledged) return unknownWebhook();
        const msg = message(state.payload.channel_id, body, {
          application_id: world.applicationId,
          webhook_id: world.applicationId,
        });
        return { status: 200, json: msg };
      },
    ],
    [
      'POST',
      /^\/channels\/(\d+)\/messages$/,
      (m, body) => {
        if (!world.channels.has(m[1]!)) return unknownChannel();
        const ref = body?.message_reference;
        const msg = message(m[1]!, body, ref ? { type: 19, message_reference: ref } : {});
        dispatch('MESSAGE_CREATE', { ...msg, member: undefined });
        return { status: 200, json: msg };
      },
    ],
    [
      'GET',
      /^\/channels\/(\d+)\/messages\/(\d+)$/,
      (m) => {
        const msg = messages.get(m[2]!);
        return msg && msg.channel_id === m[1]
          ? { status: 200, json: msg }
          : { status: 404, json: { message: 'Unknown Message', code: 10008 } };
      },
    ],
    [
      'GET',
      /^\/channels\/(\d+)\/messages$/,
      (m, _b, query) => {
        const limit = Number(query.limit ?? 50);
        const list = [...messages.values()].filter((x) => x.channel_id === m[1]).reverse().slice(0, limit);
        return { status: 200, json: list };
      },
    ],
    [
      'GET',
      /^\/channels\/(\d+)$/,
      (m) => {
        const channel = world.channels.get(m[1]!);
        return channel ? { status: 200, json: channel } : unknownChannel();
      },
    ],
    ['POST', /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/, (m, body) => createThread(m[1]!, body, m[2]!)],
    ['POST', /^\/channels\/(\d+)\/threads$/, (m, body) => createThread(m[1]!, body, null)],
    ['POST', /^\/channels\/(\d+)\/typing$/, () => ({ status: 204 })],
    ['PUT', /^\/channels\/(\d+)\/thread-members\/@me$/, () => ({ status: 204 })],
    [
      'GET',
      /^\/guilds\/(\d+)\/members\/(\d+)$/,
      (m) => {
        const u = [world.bot, world.moderator, world.member].find((x) => x.id === m[2]);
        return u
          ? { status: 200, json: { user: u, roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 } }
          : { status: 404, json: { message: 'Unknown Member', code: 10007 } };
      },
    ],
  ];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? '/', `http://${base}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any = null;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const query = Object.fromEntries(url.searchParams);
    const record: RecordedRequest = { method: req.method ?? 'GET', path, query, body, at, status: 0 };

    if (req.method === 'GET' && cdnFiles.has(url.pathname)) {
      record.status = 200;
      requests.push(record);
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(cdnFiles.get(url.pathname));
      return;
    }
    let result: { status: number; json?: unknown };
    const isInteractionRoute = path.startsWith('/interactions/') || path.startsWith('/webhooks/');
    if (!url.pathname.startsWith('/api/v10/')) {
      result = { status: 404, json: { message: '404: Not Found', code: 0 } };
    } else if (!isInteractionRoute && req.headers.authorization !== `Bot ${token}`) {
      result = { status: 401, json: { message: '401: Unauthorized', code: 0 } };
    } else {
      const route = routes.find(([method, re]) => method === req.method && re.test(path));
      result = route
        ? await route[2](path.match(route[1])!, body, query)
        : { status: 404, json: { message: `fake Discord has no route ${req.method} ${path}`, code: 0 } };
    }
    record.status = result.status;
    requests.push(record);
    for (const w of [...requestWaiters]) {
      if (w.predicate(record)) {
        requestWaiters.delete(w);
        w.resolve(record);
      }
    }
    if (result.json === undefined) {
      res.writeHead(result.status).end();
    } else {
      res.writeHead(result.status, { 'content-type': 'application/json' }).end(JSON.stringify(result.json));
    }
  }

  return {
    world,
    token,
    apiUrl: `http://${base}/api`,
    gatewayUrl,
    requests,
    gatewayFrames,
    messages,
    ready(timeoutMs = 10_000) {
      if (isReady) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('fake Discord: no client got READY')), timeoutMs);
        readyResolvers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    shardReady(id, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!readyShards.has(id)) return;
          shardWaiters.delete(check);
          clearTimeout(timer);
          resolve(readyShards.get(id)!);
        };
        const timer = setTimeout(() => {
          shardWaiters.delete(check);
          reject(new Error(`fake Discord: shard ${id} did not get READY within ${timeoutMs} ms`));
        }, timeoutMs);
        shardWaiters.add(check);
        check();
      });
    },
    dispatch: (event, data) => dispatch(event, data),
    closeGateway(code, reason) {
      for (const ws of sockets) ws.close(code, reason);
    },
    interact(payload) {
      interactions.set(payload.id, { payload, receivedAt: Date.now(), acknowledged: false, original: null });
      dispatch('INTERACTION_CREATE', payload);
      return payload;
    },
    say(msg) {
      messages.set(msg.id, msg);
      dispatch('MESSAGE_CREATE', msg);
      return msg;
    },
    waitForRequest(predicate, timeoutMs = 15_000) {
      const found = requests.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (r: RecordedRequest) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        const timer = setTimeout(() => {
          requestWaiters.delete(waiter);
          reject(new Error(`fake Discord: expected request not seen within ${timeoutMs} ms`));
        }, timeoutMs);
        requestWaiters.add(waiter);
      });
    },
    refuseThreadsIn(channelId) {
      threadsRefused.add(channelId);
    },
    denyBotIn(channelId, deny) {
      const channel = world.channels.get(channelId);
      if (!channel) throw new Error(`fake Discord: no channel ${channelId}`);
      channel.permission_overwrites = [{ id: world.bot.id, type: 1, allow: '0', deny: deny.toString() }];
      dispatch('CHANNEL_UPDATE', channel);
    },
    upload(filename, data, options = {}) {
      const id = snowflake();
      const path = `/attachments/${world.generalChannelId}/${id}/${encodeURIComponent(filename)}`;
      cdnFiles.set(path, data);
      // Signed, expiring URLs like Discord's; the signature is not checked.
      const url = `http://${base}${path}?ex=${Math.floor(Date.now() / 1000 + 86_400).toString(16)}&hm=${randomBytes(8).toString('hex')}`;
      return { id, filename, size: options.statedSize ?? data.length, url, proxy_url: url };
    },
    requestsFor(interaction) {
      return requests.filter((r) => r.path.includes(`/${interaction.token as string}`));
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      });
    },
  };
}
