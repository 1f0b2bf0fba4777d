/**
 * How many shards Discord recommends for this bot (`GET /gateway/bot`), asked of the configured
 * REST base (DISCORD_API_URL) so a REST proxy or the tests' fake Discord answer it. discord.js's own
 * `fetchRecommendedShardCount` always asks discord.com.
 */
export async function recommendedShardCount(token: string, apiUrl: string | null): Promise<number> {
  const base = (apiUrl ?? 'https://discord.com/api').replace(/\/+$/, '');
  const response = await fetch(`${base}/v10/gateway/bot`, {
    headers: { authorization: `Bot ${token}` },
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) throw new Error(`Discord answered ${response.status} when asked for the recommended shard count`);
  const body = (await response.json()) as { shards?: unknown };
  if (typeof body.shards !== 'number' || !Number.isInteger(body.shards) || body.shards < 1) {
    throw new Error('Discord gave no shard count in /gateway/bot');
  }
  return body.shards;
}
