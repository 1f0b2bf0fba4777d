import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.js';
import { runningShards, shardPlan } from '../src/bot/sharding/shard-config.js';

describe('shardPlan', () => {
  it('is off unless SHARD_COUNT is set', () => {
    expect(shardPlan({})).toBeNull();
    expect(shardPlan({ SHARD_COUNT: '  ' })).toBeNull();
  });

  it('reads auto or a count, and the subset of shards this machine runs', () => {
    expect(shardPlan({ SHARD_COUNT: 'auto' })).toEqual({ count: 'auto', ids: 'all' });
    expect(shardPlan({ SHARD_COUNT: '4' })).toEqual({ count: 4, ids: 'all' });
    expect(shardPlan({ SHARD_COUNT: '4', SHARD_IDS: '3, 1,1' })).toEqual({ count: 4, ids: [1, 3] });
  });

  it('is off inside a shard process, where the manager reuses SHARD_COUNT for the shard total', () => {
    expect(shardPlan({ SHARDING_MANAGER: 'true', SHARDS: '1', SHARD_COUNT: '2' })).toBeNull();
    expect(runningShards({ SHARDING_MANAGER: 'true', SHARDS: '1', SHARD_COUNT: '2' })).toEqual([1]);
    expect(runningShards({ SHARD_COUNT: '2' })).toBeNull();
  });

  it('names the variable of a bad setting in one line', () => {
    const cases: [Record<string, string>, string][] = [
      [{ SHARD_COUNT: '0' }, 'SHARD_COUNT must be auto or a whole number of shards (1 or more).'],
      [{ SHARD_COUNT: 'two' }, 'SHARD_COUNT must be auto or a whole number of shards (1 or more).'],
      [{ SHARD_IDS: '0' }, 'SHARD_IDS needs SHARD_COUNT (the total number of shards across all machines).'],
      [{ SHARD_COUNT: 'auto', SHARD_IDS: '0' }, 'SHARD_IDS needs a number in SHARD_COUNT, not auto: every machine must agree on the total.'],
      [{ SHARD_COUNT: '2', SHARD_IDS: '0,2' }, 'SHARD_IDS must list shard numbers from 0 to 1, separated by commas (e.g. 0,1).'],
    ];
    for (const [env, message] of cases) {
      expect(() => shardPlan(env)).toThrow(ConfigError);
      expect(() => shardPlan(env)).toThrow(message);
    }
  });
});
