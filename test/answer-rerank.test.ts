import { describe, expect, it } from 'vitest';
import { corroboratedBy } from '../src/engine/answer/corroboration.js';
import { scoreSentences } from '../src/engine/answer/highlight.js';
import { lineCandidates } from '../src/engine/answer/line-features.js';
import { pickAnswer } from '../src/engine/answer/pick-answer.js';
import { analyseSentence } from '../src/engine/answer/sentence-terms.js';
import type { SearchHit } from '../src/engine/search/hybrid-search.js';
import { rerank, statesCount, withStatedCount } from '../src/engine/search/rerank.js';
import { createTermStats } from '../src/engine/search/term-weights.js';
import { splitSentences } from '../src/engine/text/sentences.js';
import { bestSentenceScorer } from '../src/engine/answer/compose-answer.js';
import { analyseQuestion } from '../src/engine/text/question-analysis.js';
import { lexicalCoverage } from './helpers/lexical-coverage.js';

const hit = (id: string, lexical: number): SearchHit => ({ chunk: { id, text: id } as SearchHit['chunk'], articleId: id.split('#')[0]!, score: lexical / 100, lexical, similarity: null });

describe('sentence proximity', () => {
  it('prefers, at equal coverage, the sentence where the question’s words stand together', () => {
    const q = analyseQuestion('Où la coopérative ouvre-t-elle sa cave ?');
    const apart = analyseSentence('La coopérative, fondée il y a trente ans par des éleveurs du plateau, ouvre enfin une cave.');
    const together = analyseSentence('Près de Villard, la coopérative ouvre une cave.');
    const [a] = scoreSentences(q, [apart]);
    const [t] = scoreSentences(q, [together]);
    expect(a!.share).toBe(t!.share);
    expect(t!.score).toBeGreaterThan(a!.score);
  });
});

describe('corroboration', () => {
  const onTopic = [
    { articleId: 'a', text: 'Arcadia investira 40 milliards de dollars dans Polaris.' },
    { articleId: 'a', text: 'Arcadia ajoutera 2 milliards plus tard.' },
    { articleId: 'b', text: 'Selon Arcadia, Polaris recevra 40 milliards.' },
    { articleId: 'c', text: 'Les 40 milliards d’Arcadia iront à Polaris.' },
  ];

  it('counts the other articles that state the same figure with the same unit', () => {
    expect(corroboratedBy(onTopic[0]!, onTopic, 'figure')).toBe(2);
    expect(corroboratedBy(onTopic[1]!, onTopic, 'figure')).toBe(0);
    // "40 ans" is another figure than "40 milliards"; a question that does not ask for a figure counts none.
    expect(corroboratedBy({ articleId: 'd', text: 'Arcadia a 40 ans.' }, onTopic, 'figure')).toBe(0);
    expect(corroboratedBy(onTopic[0]!, onTopic, 'person')).toBe(0);
  });

  it('lets a corroborated sentence of a lower passage take the answer line from a lone figure', () => {
    const q = analyseQuestion('Combien Arcadia va-t-il investir ?');
    const passage = (text: string, rank: number) => {
      const sentences = [analyseSentence(text)];
      return { articleId: `r${rank}`, sentences, scores: scoreSentences(q, sentences), title: analyseSentence('Arcadia'), firstStage: 1 - rank / 10 };
    };
    const leading = [passage('Arcadia va investir 1,5 milliard de plus.', 0), passage('Arcadia va investir 40 milliards.', 1)];
    expect(pickAnswer(lineCandidates(q, leading, () => 0))).toMatchObject({ passage: 0, sentence: 0 });
    expect(pickAnswer(lineCandidates(q, leading, (p) => (p === 1 ? 2 : 0)))).toMatchObject({ passage: 1, sentence: 0 });
  });
});

describe('second-stage rerank', () => {
  it('moves up a leading hit whose best sentence answers better, leaving hits past its depth in place', () => {
    const hits = [hit('a#0', 10), hit('b#0', 9.5), hit('c#0', 9), hit('d#0', 1)];
    const evidence = (h: SearchHit) => (h.articleId === 'c' ? 1 : 0.2);
    const out = rerank(hits, evidence, { depth: 3, sentence: 0.4 });
    expect(out.map((h) => h.chunk.id)).toEqual(['c#0', 'a#0', 'b#0', 'd#0']);
  });

  it('keeps the first stage’s order when the sentences do not differ, or with weight 0', () => {
    const hits = [hit('a#0', 10), hit('b#0', 9), hit('c#0', 8)];
    expect(rerank(hits, () => 0.5, { depth: 20, sentence: 0.4 }).map((h) => h.chunk.id)).toEqual(['a#0', 'b#0', 'c#0']);
    expect(rerank(hits, (h) => (h.articleId === 'c' ? 9 : 0), { depth: 20, sentence: 0 }).map((h) => h.chunk.id)).toEqual(['a#0', 'b#0', 'c#0']);
  });
});

describe('a count stated in the unit asked ("combien de X")', () => {
  it('finds a figure right before the counted noun, in digits or words, and nothing else', () => {
    const colonies = new Set(analyseQuestion('Combien de colonies compte-t-on ?').counted);
    expect(statesCount(analyseSentence('Les treize colonies américaines forment une union.'), colonies)).toBe(true);
    expect(statesCount(analyseSentence('On compte 13 grandes colonies.'), colonies)).toBe(true);
    expect(statesCount(analyseSentence('En 1778, la France soutient les colonies.'), colonies)).toBe(false);
    expect(statesCount(analyseSentence('Les colonies sont treize.'), colonies)).toBe(false);
  });

  it('adds to the second stage only for a question that counts something', () => {
    const scorer = () => 0.5;
    expect(withStatedCount(analyseQuestion('Combien Arcadia va-t-il investir ?'), scorer)).toBe(scorer);
    expect(withStatedCount(analyseQuestion('Combien de colonies compte-t-on ?'), scorer, { sentence: 0.4, counted: 0 })).toBe(scorer);
  });

  it('lifts, among passages the first stage holds level, the one stating how many', () => {
    const q = analyseQuestion('Combien de colonies américaines compte-t-on pendant la guerre d’indépendance ?');
    const texts = {
      'guerre#0': 'Pendant la guerre d’indépendance, en 1778, la France aide les colonies américaines.',
      'union#0': 'Pendant la guerre d’indépendance, les 13 colonies américaines s’unissent.',
    };
    const passage = (id: keyof typeof texts, lexical: number): SearchHit => ({
      chunk: { id, text: texts[id], sentences: splitSentences(texts[id]).map((local) => ({ local })) } as SearchHit['chunk'],
      articleId: id.split('#')[0]!, score: lexical / 100, lexical, similarity: null,
    });
    const hits = [passage('guerre#0', 10), passage('union#0', 9.5)];
    const scorer = bestSentenceScorer(q, new Map(), createTermStats(Object.values(texts)));
    // Both sentences hold the question's words and a figure; only one states the colonies' count.
    expect(rerank(hits, scorer).map((h) => h.chunk.id)).toEqual(['guerre#0', 'union#0']);
    expect(rerank(hits, withStatedCount(q, scorer)).map((h) => h.chunk.id)).toEqual(['union#0', 'guerre#0']);
  });
});

describe('answer line through the engine, across reports', () => {
  const coverage = lexicalCoverage([
    ['600_arcadia', { title: 'Arcadia mise sur Polaris' },
      'Arcadia prépare aussi un apport de 3 milliards de dollars à investir dans Polaris via son fonds.'],
    ['601_polaris', { title: 'Le projet Polaris' },
      'Lors de la présentation, Arcadia promet d’investir 40 milliards de dollars dans Polaris.'],
    ['602_bourse', { title: 'La Bourse salue Polaris' },
      'Les 40 milliards de dollars promis par Arcadia pour Polaris ont fait bondir son titre.'],
    ['603_meteo', { title: 'La météo' }, 'Il fera beau samedi sur la côte.'],
  ]);

  it('answers "combien" with the figure several reports state, not a passing one', async () => {
    const a = await coverage.engine.ask('Combien Arcadia va-t-il investir dans Polaris ?');
    expect(a.abstained).toBe(false);
    expect(a.directAnswer!.text).toContain('40 milliards');
  });
});
