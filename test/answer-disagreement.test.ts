import { describe, expect, it } from 'vitest';
import { findDisagreements } from '../src/engine/answer/disagreement.js';
import type { SourceMeta } from '../src/engine/types.js';
import { lexicalCoverage } from './helpers/lexical-coverage.js';

const source = (id: string): SourceMeta => ({ id, title: id, publisher: null, url: null, date: null, language: 'fr' });

describe('findDisagreements', () => {
  it('reports a figure two sources state differently about the same thing, each with its source', () => {
    const found = findDisagreements([
      { text: 'Le chantier coûtera 3 millions d’euros sur deux ans.', chunkId: 'a#0', source: source('a') },
      { text: 'Le chantier, 3 millions d’euros, doit durer trois ans.', chunkId: 'b#2', source: source('b') },
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]!.claims.map((c) => [c.value, c.source.id])).toEqual([
      ['deux ans', 'a'],
      ['trois ans', 'b'],
    ]);
  });

  it('reads figures written in words from eleven to sixty', () => {
    const found = findDisagreements([
      { text: 'Le chantier coûtera 3 millions d’euros sur seize mois.', chunkId: 'a#0', source: source('a') },
      { text: 'Le chantier, 3 millions d’euros, doit durer quatorze mois.', chunkId: 'b#2', source: source('b') },
    ]);
    expect(found[0]?.claims.map((c) => [c.value, c.source.id])).toEqual([
      ['seize mois', 'a'],
      ['quatorze mois', 'b'],
    ]);
  });

  it('lists a claim once when two overlapping passages of one article hold it', () => {
    const claim = 'Le chantier coûtera 3 millions d’euros sur deux ans.';
    const found = findDisagreements([
      { text: claim, chunkId: 'a#0', source: source('a') },
      { text: claim, chunkId: 'a#1', source: source('a') },
      { text: 'Le chantier, 3 millions d’euros, doit durer trois ans.', chunkId: 'b#2', source: source('b') },
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]!.claims.map((c) => [c.value, c.source.id])).toEqual([
      ['deux ans', 'a'],
      ['trois ans', 'b'],
    ]);
  });

  it('does not report two figures within one source', () => {
    expect(
      findDisagreements([
        { text: 'Le chantier coûtera 3 millions d’euros sur deux ans.', chunkId: 'a#0', source: source('a') },
        { text: 'Plus loin : 3 millions d’euros sur trois ans.', chunkId: 'a#1', source: source('a') },
      ]),
    ).toEqual([]);
  });

  it('does not take a second amount in the shared figure’s own unit for a disagreement', () => {
    expect(
      findDisagreements([
        { text: 'Il promet 100 milliards de dollars ; on lui demande de doubler à 200 milliards.', chunkId: 'a#0', source: source('a') },
        { text: 'Il veut lever 100 milliards de dollars (environ 700 milliards de yuans).', chunkId: 'b#0', source: source('b') },
      ]),
    ).toEqual([]);
  });

  it('does not report sources that agree, or that share no figure', () => {
    expect(
      findDisagreements([
        { text: 'Il coûtera 3 millions d’euros sur deux ans.', chunkId: 'a#0', source: source('a') },
        { text: 'Soit 3 millions sur deux ans.', chunkId: 'b#0', source: source('b') },
        { text: 'La cave accueille 12 000 meules en trois ans.', chunkId: 'c#0', source: source('c') },
      ]),
    ).toEqual([]);
  });
});

describe('a question about a budget stated differently by two articles', () => {
  const coverage = lexicalCoverage([
    ['200_annonce', { title: 'Le projet Polaris dévoilé à Washington', url: 'https://exemple.fr/polaris' },
      'Trois groupes ont dévoilé mardi le projet Polaris. Il prévoit de dépenser 500 milliards de dollars au cours des quatre prochaines années dans des centres de données. Le premier site sera construit au Texas.'],
    ['201_portrait', { title: 'Le pari de l’investisseur' },
      'L’investisseur a fait fortune dans les télécoms. Il a annoncé Polaris, un chantier doté de 500 milliards de dollars de budget sur cinq ans. Ses proches saluent son audace.'],
    ['202_autre', { title: 'La météo du week-end' }, 'Il fera beau samedi sur la côte. Des averses sont attendues dimanche dans le nord.'],
  ]);

  it('says the sources disagree on the duration and shows both, each with its source', async () => {
    const answer = await coverage.engine.ask('Quel est le budget du projet Polaris ?');
    expect(answer.abstained).toBe(false);
    expect(answer.disagreements).toHaveLength(1);
    const claims = answer.disagreements[0]!.claims;
    expect(claims.map((c) => c.source.id).sort()).toEqual(['200_annonce', '201_portrait']);
    expect(claims.map((c) => c.value).sort()).toEqual(['cinq ans', 'quatre prochaines années']);
    for (const c of claims) expect(c.sentence).toMatch(/500 milliards/);
  });

  it('reports none for a question the other figures do not concern', async () => {
    const answer = await coverage.engine.ask('Quel temps fera-t-il samedi sur la côte ?');
    expect(answer.abstained).toBe(false);
    expect(answer.disagreements).toEqual([]);
  });
});
