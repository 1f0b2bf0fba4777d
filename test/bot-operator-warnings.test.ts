import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from './fake-discord/bot-harness.js';
import { commandInteraction } from './fake-discord/world.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

// A bot whose model cannot be loaded: members get lexical answers without the operator's
// warning; the operator gets it once in the log and moderators see it in /stats.
let h: BotHarness;
let scratch: Scratch;

beforeAll(async () => {
  scratch = makeScratch({ seed: true });
  // The models folder is the scratch root: no model there.
  h = await startBotHarness({ scratch, engine: { modelDir: scratch.root } });
});
afterAll(async () => {
  await h?.stop();
  scratch?.cleanup();
});

const ask = (question: string) => h.fake.interact(commandInteraction(h.fake.world, 'ask', [{ name: 'question', type: 3, value: question }]));

describe('operator warnings', () => {
  it('keeps them out of members\' answers and logs each one once at warn level', async () => {
    for (const question of ['Combien SoftBank investit-il aux États-Unis ?', 'Qui est Masayoshi Son ?']) {
      const reply = await h.finalReply(ask(question));
      const shown = JSON.stringify(reply.body);
      expect(shown).not.toMatch(/could not be loaded|lexical search|npm run|MODEL_DIR/);
    }
    const logged = h.logs.filter((l) => l.msg === 'operator warning');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.level).toBe(40);
    expect(logged[0]!.warning).toMatch(/could not be loaded.*lexical search only/s);
  });

  it('lists them in /stats for moderators', async () => {
    const stats = h.fake.interact(commandInteraction(h.fake.world, 'stats', [], { user: h.fake.world.moderator }));
    const reply = await h.finalReply(stats);
    const field = (reply.body.data.embeds[0].fields as { name: string; value: string }[]).find((f) => f.name.startsWith('Avertissements pour l’exploitant'));
    expect(field?.value).toMatch(/^⚠️ .*could not be loaded/s);
    expect(reply.body.data.flags).toBe(64);
  });
});
