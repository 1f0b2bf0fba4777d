import { ConfigError } from '../../config.js';

/**
 * Sharding settings. `SHARD_COUNT` (`auto` or N) makes `npm start` a discord.js ShardingManager
 * that runs each shard in its own process; `SHARD_IDS` (e.g. `0,1`) runs only those shards of the
 * SHARD_COUNT, to spread shards over machines. Both unset: one process, one connection (no sharding).
 */
export interface ShardPlan {
  /** Shards across all machines; `auto` asks Discord (`/gateway/bot`) how many it recommends. */
  count: number | 'auto';
  /** Shards this machine runs; `all` when SHARD_IDS is unset. */
  ids: number[] | 'all';
}

/**
 * `shardPlan({ SHARD_COUNT: '4', SHARD_IDS: '0,1' })` → `{ count: 4, ids: [0, 1] }`; null when
 * sharding is off, or when this process is itself a shard (the manager sets SHARDING_MANAGER, and
 * reuses the name SHARD_COUNT for the shard's own total).
 */
export function shardPlan(env: Record<string, string | undefined>): ShardPlan | null {
  if (env.SHARDING_MANAGER) return null;
  const countText = env.SHARD_COUNT?.trim();
  const idsText = env.SHARD_IDS?.trim();
  if (!countText) {
    if (idsText) throw new ConfigError('SHARD_IDS needs SHARD_COUNT (the total number of shards across all machines).');
    return null;
  }
  let count: number | 'auto';
  if (countText === 'auto') count = 'auto';
  else if (/^\d+$/.test(countText) && Number(countText) >= 1) count = Number(countText);
  else throw new ConfigError('SHARD_COUNT must be auto or a whole number of shards (1 or more).');
  if (!idsText) return { count, ids: 'all' };
  if (count === 'auto') throw new ConfigError('SHARD_IDS needs a number in SHARD_COUNT, not auto: every machine must agree on the total.');
  const ids = idsText.split(',').map((s) => s.trim());
  if (ids.some((s) => !/^\d+$/.test(s) || Number(s) >= count)) {
    throw new ConfigError(`SHARD_IDS must list shard numbers from 0 to ${count - 1}, separated by commas (e.g. 0,1).`);
  }
  return { count, ids: [...new Set(ids.map(Number))].sort((a, b) => a - b) };
}

/** The shard ids of this process when the ShardingManager started it (`SHARDS`), for logs; null otherwise. */
export function runningShards(env: Record<string, string | undefined>): number[] | null {
  if (!env.SHARDING_MANAGER || env.SHARDS === undefined) return null;
  const parsed = JSON.parse(env.SHARDS) as number | number[];
  return Array.isArray(parsed) ? parsed : [parsed];
}
