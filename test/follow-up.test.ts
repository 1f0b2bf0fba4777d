import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../src/engine/engine.js';
import { analyseQuestion } from '../src/engine/text/question-analysis.js';
import type { Engine } from '../src/engine/types.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

describe('a follow-up in a thread', () => {
  let scratch: Scratch;
  let engine: Engine;
  beforeAll(async () => {
    scratch = makeScratch();
    scratch.writeArticle('500_polaris', { title: 'Le projet Polaris dévoilé' },
      'Le groupe Arcadia investira 40 milliards de dollars dans Polaris. Il s’associe pour cela à Borealis et à la banque Nordhaven. Le projet a été annoncé mardi à Lyon.');
    scratch.writeArticle('502_lancement', { title: 'Lancement à Lyon' },
      'Arcadia a présenté Polaris devant ses actionnaires. Arcadia a annoncé Polaris mardi, à Lyon. La salle était comble.');
    scratch.writeArticle('501_meteo', { title: 'La météo du week-end' }, 'Il fera beau samedi sur la côte. Des averses sont attendues dimanche dans le nord.');
    engine = await createEngine(scratch.config({ mode: 'lexical' }));
    await engine.reindex();
  });
  afterAll(async () => {
    await engine?.dispose();
    scratch?.cleanup();
  });

  it('takes the kind of answer from the follow-up and the subject from the previous question', () => {
    const q = analyseQuestion('Et avec qui ?', 'Combien Arcadia va-t-il investir dans Polaris ?');
    expect(q.kind).toBe('person');
    expect(q.content.map((t) => t.term)).toContain('polar');
    expect(q.content.every((t) => t.weight < 1)).toBe(true);
    expect(analyseQuestion('Combien ?', 'Arcadia a-t-il investi dans Polaris ?').kind).toBe('figure');
  });

  it('answers "Et avec qui ?" and "Combien ?" about the previous question’s subject, not with its answer again', async () => {
    const first = await engine.ask('Combien Arcadia va-t-il investir dans Polaris ?');
    expect(first.directAnswer!.text).toContain('40 milliards');
    const who = await engine.ask('Et avec qui ?', { context: 'Combien Arcadia va-t-il investir dans Polaris ?' });
    expect(who.abstained).toBe(false);
    expect(who.directAnswer!.text).toContain('Borealis');
    const much = await engine.ask('Combien ?', { context: 'Avec qui Arcadia s’associe-t-il pour Polaris ?' });
    expect(much.abstained).toBe(false);
    expect(much.directAnswer!.text).toContain('40 milliards');
  });

  it('answers "And when was it announced?" with the sentence that dates the previous question’s subject, not the one that only names it', async () => {
    const when = await engine.ask('And when was it announced?', { context: 'How much will Arcadia invest in Polaris?' });
    expect(when.abstained).toBe(false);
    expect(when.directAnswer!.text).toContain('mardi');
  });
});
