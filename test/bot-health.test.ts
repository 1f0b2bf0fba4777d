import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopMonitor } from '../src/bot/health/loop-monitor.js';
import { startBotHarness, type BotHarness } from './fake-discord/bot-harness.js';
import { commandInteraction } from './fake-discord/world.js';

function block(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // the kind of stall a synchronous parse or inference causes
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('event-loop monitor', () => {
  it('logs a window whose p99 passes 100 ms at warn, with the longest stall, and keeps it in the recent figures', async () => {
    const lines: { level: string; fields: any; msg: string }[] = [];
    const logger = {
      warn: (fields: object, msg: string) => lines.push({ level: 'warn', fields, msg }),
      debug: (fields: object, msg: string) => lines.push({ level: 'debug', fields, msg }),
    };
    const monitor = startLoopMonitor({ logger, windowMs: 250, context: () => ({ answers: { running: 1, waiting: 4 } }) });
    try {
      expect(monitor.recent()).toBeNull();
      await pause(300);
      block(300);
      await pause(600);
      const warned = lines.find((l) => l.level === 'warn');
      expect(warned).toMatchObject({ msg: 'event loop delayed', fields: { answers: { running: 1, waiting: 4 } } });
      expect(warned!.fields.eventLoop.p99Ms).toBeGreaterThan(100);
      expect(warned!.fields.eventLoop.maxMs).toBeGreaterThanOrEqual(250);
      expect(lines.some((l) => l.level === 'debug' && l.msg === 'event loop')).toBe(true);
      const recent = monitor.recent()!;
      expect(recent.maxMs).toBeGreaterThanOrEqual(250);
      expect(recent.windowMs).toBeGreaterThanOrEqual(500);
    } finally {
      monitor.stop();
    }
  });
});

describe('/stats health', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { HEALTH_WINDOW_SECONDS: '1' } });
  });
  afterAll(() => h?.stop());

  it('shows moderators the recent event-loop p99 and the answer queue, in their language', async () => {
    await pause(1300);
    const stats = async (locale: string) => {
      const interaction = h.fake.interact(commandInteraction(h.fake.world, 'stats', [], { user: h.fake.world.moderator, locale }));
      const reply = await h.fake.waitForRequest((r) => r.path.includes(`${interaction.token}/callback`));
      return (reply.body.data.embeds[0].fields as { name: string; value: string }[]).at(-1)!;
    };
    const fr = await stats('fr');
    expect(fr.name).toBe('État');
    expect(fr.value).toMatch(/^Retard de la boucle d’événements sur les \d+ dernières s : p99 [\d,]+ ms, au plus [\d,]+ ms\nRéponses en cours : 0, en attente : 0$/);
    const en = await stats('en-US');
    expect(en.name).toBe('Health');
    expect(en.value).toMatch(/^Event loop delay over the last \d+ s: p99 [\d.]+ ms, longest [\d.]+ ms\nAnswers running: 0, waiting: 0$/);
  });
});
