import { GatewayCloseCodes } from 'discord.js';

/**
 * Why Discord closed the gateway for good, and what the operator must change: after these
 * codes discord.js does not reconnect, so the bot exits non-zero (a supervisor's
 * Restart=on-failure then restarts it once the cause is fixed).
 * @example fatalCloseMessage(4014) // "Discord closed the gateway (4014 disallowed intents): …"
 */
export function fatalCloseMessage(code: number): string {
  const fix = FIXES[code];
  const name = fix?.[0] ?? GatewayCloseCodes[code] ?? 'unrecoverable close';
  return `Discord closed the gateway (${code} ${name}): ${fix?.[1] ?? 'it will not accept this bot again as it is; see the close code in Discord\'s gateway documentation'}.`;
}

const FIXES: Record<number, [string, string]> = {
  [GatewayCloseCodes.AuthenticationFailed]: ['authentication failed', 'the token in DISCORD_TOKEN is no longer valid; reset it in the Developer Portal (Bot page) and set the new one'],
  [GatewayCloseCodes.InvalidIntents]: ['invalid intents', 'the bot asked for intents Discord does not know; update Dépêche'],
  [GatewayCloseCodes.DisallowedIntents]: [
    'disallowed intents',
    'turn on Message Content Intent in the Developer Portal (Bot page), or set ANSWER_MENTIONS=false to run with slash commands only',
  ],
  [GatewayCloseCodes.ShardingRequired]: ['sharding required', 'the bot is in too many servers for one connection; run it with shards'],
  [GatewayCloseCodes.InvalidShard]: ['invalid shard', 'check the shard settings'],
  [GatewayCloseCodes.InvalidAPIVersion]: ['invalid API version', 'update Dépêche (its discord.js speaks an API version Discord no longer accepts)'],
};
