const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A realistic 18–19 digit snowflake; @discordjs/rest only buckets routes whose ids look like real ones. */
export function snowflake(at: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}
