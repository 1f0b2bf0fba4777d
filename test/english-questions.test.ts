import { describe, expect, it } from 'vitest';
import { lexicalCoverage } from './helpers/lexical-coverage.js';

/**
 * English questions over a French coverage, through the real lexical engine: the lexicon's
 * renderings (src/engine/text/cross-lingual.ts) have to meet the words the articles write.
 */
describe('an English question over French articles', () => {
  const coverage = lexicalCoverage([
    ['600_paris', { title: 'Les paris manqués de Borealis' },
      'Borealis joue gros cette année. Le monde a boudé les robots livreurs de sa start-up Kelvo. ' +
        'L’aventure Nordia, dans laquelle Borealis avait investi 9 milliards de dollars, a été un échec retentissant.'],
    ['601_serveurs', { title: 'Arcadia signe avec Voltia' },
      'Pour alimenter ses serveurs, Arcadia a signé un contrat de dix ans avec Voltia. ' +
        'Jean Marchal, le patron d’Arcadia, a salué un accord qui sécurise l’électricité de ses centres.'],
    ['602_meteo', { title: 'La météo du week-end' }, 'Il fera beau samedi sur la côte. Des averses sont attendues dimanche dans le nord.'],
  ]);

  it('finds the start-up an article names when the question writes "startup"', async () => {
    const answer = await coverage.engine.ask('What happened to the robot startup backed by Borealis?');
    expect(answer.abstained).toBe(false);
    expect(answer.directAnswer?.text).toContain('Kelvo');
  });

  it('abstains on a question whose only link to the coverage would be a word of another meaning ("food" / "alimenter")', async () => {
    const answer = await coverage.engine.ask('What is Jean Marchal’s favourite food?');
    expect(answer.abstained).toBe(true);
  });
});
