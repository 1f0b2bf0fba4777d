import { describe, expect, it } from 'vitest';
import { lexicalCoverage } from './helpers/lexical-coverage.js';

// A small coverage of local news, French and English, with one plain answer per question and
// a portrait of six trades, one sentence each.
describe('answer line through the engine', () => {
  const coverage = lexicalCoverage([
    ['700_cave', { title: 'La cave du Vercors' },
      'La coopérative laitière du Vercors a inauguré mardi une nouvelle cave d’affinage à Villard-de-Lans. Elle peut accueillir 12 000 meules de bleu. Les premières meules sortiront au printemps.'],
    ['701_lait', { title: 'Le prix du lait' },
      'Les éleveurs du Vercors demandent une hausse du prix du lait. La coopérative négocie avec les laiteries de la région. Une réunion est prévue en mars à Grenoble.'],
    ['702_cellar', { title: 'A new cellar in the Alps', language: 'en' },
      'A dairy co-operative opened a cellar in the Vercors on Tuesday. The cellar can hold 12,000 wheels of blue cheese. The first wheels will be sold in spring.'],
    ['703_metiers', { title: 'Les métiers de montagne' },
      'Les skieurs arrivent à l’aube. Les bergers restent en alpage. Les guides attendent au sommet. Les fromagers ouvrent la boutique. Les bûcherons coupent des sapins. Les forgerons réparent les outils.'],
  ]);

  it('answers a French "combien" with the sentence stating the figure', async () => {
    const a = await coverage.engine.ask('Combien de meules la cave peut-elle accueillir ?');
    // With the sentence before it: "Elle" alone would not say what holds them (answer/line-span.ts).
    expect(a.directAnswer?.text).toBe("La coopérative laitière du Vercors a inauguré mardi une nouvelle cave d'affinage à Villard-de-Lans. Elle peut accueillir 12 000 meules de bleu.");
    expect(a.directAnswer?.source.id).toBe('700_cave');
  });

  it('answers an English "how many" from the English report', async () => {
    const a = await coverage.engine.ask('How many wheels can the cellar hold?');
    expect(a.directAnswer?.text).toBe('The cellar can hold 12,000 wheels of blue cheese.');
  });

  it('answers a question without a kind of answer with the sentence that holds what it asks', async () => {
    const a = await coverage.engine.ask('Que demandent les éleveurs ?');
    expect(a.directAnswer?.text).toBe('Les éleveurs du Vercors demandent une hausse du prix du lait.');
  });

  it('shows the passages but no answer line when no sentence holds enough of the question', async () => {
    // The passage holds every word asked, but each sentence only one of the six.
    const a = await coverage.engine.ask('Et les skieurs, les bergers, les guides, les fromagers, les bûcherons et les forgerons ?');
    expect(a.abstained).toBe(false);
    expect(a.passages.length).toBeGreaterThan(0);
    expect(a.directAnswer).toBeNull();
  });
});
