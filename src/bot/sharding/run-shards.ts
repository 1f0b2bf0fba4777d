import { ShardingManager, type Shard } from 'discord.js';
import type { Logger } from '../logger.js';
import { recommendedShardCount } from './recommended-shards.js';
import type { ShardPlan } from './shard-config.js';

/**
 * `npm start` with SHARD_COUNT: a discord.js ShardingManager running each shard of the plan in a
 * process of its own (the same bot entry file, which sees SHARDING_MANAGER and runs one shard).
 * A shard that dies is started again; SIGINT/SIGTERM stop every shard (each finishes its answers in
 * flight) and then the manager. Resolves with the exit code once all shards have stopped.
 */
export interface ShardManagerOptions {
  plan: ShardPlan;
  token: string;
  apiUrl: string | null;
  /** The bot entry file each shard process runs. */
  file: string;
  /** Node options for the shard processes (e.g. `--import tsx` when run from source). */
  execArgv: string[];
  logger: Logger;
  /** Pause between two shard starts: Discord accepts one IDENTIFY per 5 s per bucket. */
  spawnDelayMs?: number;
}

/** Longest a shard process may take from start to READY (it builds the index and loads the model first). */
const SHARD_READY_TIMEOUT_MS = 10 * 60_000;

export async function runShardManager(o: ShardManagerOptions): Promise<number> {
  const count = o.plan.count === 'auto' ? await recommendedShardCount(o.token, o.apiUrl) : o.plan.count;
  const ids = o.plan.ids === 'all' ? [...Array(count).keys()] : o.plan.ids;
  if (ids.some((id) => id >= count)) {
    o.logger.error({ count, ids }, 'SHARD_IDS names shards beyond the shard count');
    return 1;
  }
  const manager = new ShardingManager(o.file, {
    totalShards: count,
    shardList: ids,
    mode: 'process',
    token: o.token,
    execArgv: o.execArgv,
    respawn: true,
  });
  manager.on('shardCreate', (shard: Shard) => {
    const log = o.logger.child({ shard: shard.id });
    log.info({ shardCount: count }, 'shard process starting');
    shard.on('ready', () => log.info('shard ready'));
    shard.on('death', (child) => {
      const code = 'exitCode' in child ? child.exitCode : null;
      if (manager.respawn) log.warn({ code }, 'shard process exited: starting it again');
      else log.info({ code }, 'shard process stopped');
    });
  });

  let stopping: Promise<number> | null = null;
  let settle!: (code: number) => void;
  const stopped = new Promise<number>((resolve) => (settle = resolve));
  const stop = (signal: string, code: number): Promise<number> => {
    stopping ??= (async () => {
      o.logger.info({ signal }, 'stopping all shards');
      manager.respawn = false;
      await Promise.all([...manager.shards.values()].map((shard) => stopShard(shard)));
      o.logger.info('all shards stopped');
      settle(code);
      return code;
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => void stop(signal, 0);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  o.logger.info({ shardCount: count, shards: ids }, 'starting shards');
  try {
    await manager.spawn({ amount: count, delay: o.spawnDelayMs ?? 5_500, timeout: SHARD_READY_TIMEOUT_MS });
    o.logger.info({ shards: ids }, 'all shards ready');
  } catch (error) {
    o.logger.error({ err: error }, 'a shard failed to start');
    return stop('startup-failure', 1);
  }
  return stopped;
}

/** SIGTERM to one shard process, resolved when it has exited (it drains its answers first). */
function stopShard(shard: Shard): Promise<void> {
  const child = shard.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
