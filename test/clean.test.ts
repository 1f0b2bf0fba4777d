import { describe, expect, it } from 'vitest';
import { findArticleText } from '../src/engine/corpus/clean.js';

const keptLines = (body: string, options = {}) => findArticleText(body, options).map((r) => body.slice(r.start, r.end));

describe('findArticleText', () => {
  it('drops newsletter prompts and the tagline under them', () => {
    const body = 'Débloquez gratuitement la newsletter White House Watch\nVotre guide sur les élections\nOpenAI et SoftBank ont annoncé un projet.';
    expect(keptLines(body)).toEqual(['OpenAI et SoftBank ont annoncé un projet.']);
  });

  it('drops "lire aussi", sharing and copyright lines but keeps long paragraphs that mention them', () => {
    const body = [
      'Lire aussi : Nvidia rachète Arm',
      'Partager sur Facebook',
      'Déclaration de droits d’auteur : Tous droits réservés.',
      `Le journal a publié une newsletter. ${'Texte long. '.repeat(40)}`,
    ].join('\n');
    expect(keptLines(body)).toHaveLength(1);
    expect(keptLines(body)[0]).toMatch(/^Le journal a publié/);
  });

  it('drops repeats of the title and the publisher (page headers), whatever their case', () => {
    const body = 'HyperAI\n\nLe Nouveau Gâteau De L\'ia Au Japon\n\nLe texte commence ici.';
    expect(keptLines(body, { title: "Le nouveau gâteau de l'IA au Japon", publisher: 'HyperAI' })).toEqual(['Le texte commence ici.']);
  });

  it('drops separators, junk lines, foreign-script captions and bare URLs', () => {
    const body = '* . * . * .\n特色图像\nhttps://example.com/x\nUne vraie phrase.\n.. . . %%%. $ $ $ - - -';
    expect(keptLines(body)).toEqual(['Une vraie phrase.']);
  });

  it('stops at a trailing list of references', () => {
    const body = 'Le corps du texte.\nRéférences :\n1.https://mp.weixin.qq.com/s/abc\nSuite éventuelle.';
    expect(keptLines(body)).toEqual(['Le corps du texte.']);
  });

  it('keeps only the first of repeated lines', () => {
    expect(keptLines('Même ligne.\nAutre ligne.\nMême ligne.')).toEqual(['Même ligne.', 'Autre ligne.']);
  });

  it('returns ranges into the original text, untouched', () => {
    const body = '  Abonnez-vous à la newsletter  \n\n   Le texte « cité ».   \n';
    const [range] = findArticleText(body);
    expect(body.slice(range!.start, range!.end)).toBe('Le texte « cité ».');
  });
});
