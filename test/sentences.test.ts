import { describe, expect, it } from 'vitest';
import { splitSentences } from '../src/engine/text/sentences.js';
import { lexicalCoverage } from './helpers/lexical-coverage.js';

const split = (t: string) => splitSentences(t).map((r) => t.slice(r.start, r.end));

describe('splitSentences', () => {
  it('does not break after French abbreviations and initials', () => {
    expect(split('M. Son a promis. Le P.-D.G. de SoftBank, M. Masayoshi Son, est venu.')).toEqual([
      'M. Son a promis.',
      'Le P.-D.G. de SoftBank, M. Masayoshi Son, est venu.',
    ]);
  });

  it('keeps decimal figures and percentages inside one sentence', () => {
    expect(split('La hausse atteint 4,9 % cette année. Le prix est de 3.5 dollars.')).toEqual([
      'La hausse atteint 4,9 % cette année.',
      'Le prix est de 3.5 dollars.',
    ]);
  });

  it('ends a sentence at "Etats-Unis." and keeps a closing guillemet with its sentence', () => {
    expect(split('Il ira aux Etats-Unis. Il a dit « oui. » Ensuite il part.')).toEqual([
      'Il ira aux Etats-Unis.',
      'Il a dit « oui. »',
      'Ensuite il part.',
    ]);
  });

  it('returns trimmed ranges within the requested span', () => {
    const text = 'xx  Une phrase.  Deux phrases.  yy';
    const ranges = splitSentences(text, 2, 31);
    expect(ranges.map((r) => text.slice(r.start, r.end))).toEqual(['Une phrase.', 'Deux phrases.']);
  });

  it('ends a sentence at a full stop glued to the capital word or the guillemet that starts the next', () => {
    // Copied pages lose the space after the full stop; ICU alone keeps such sentences as one.
    expect(split("Le rachat d'Arm a échoué.Mais SoftBank garde sa part.Cependant, le titre recule.")).toEqual([
      "Le rachat d'Arm a échoué.",
      'Mais SoftBank garde sa part.',
      'Cependant, le titre recule.',
    ]);
    expect(split("Le chantier a pris fin en 2021.C'est la maire qui l'annonce.« Nous tenons parole », dit-elle.")).toEqual([
      'Le chantier a pris fin en 2021.',
      "C'est la maire qui l'annonce.",
      '« Nous tenons parole », dit-elle.',
    ]);
    expect(split('Le patron est formel : « Rien ne change ».Les syndicats doutent.')).toEqual([
      'Le patron est formel : « Rien ne change ».',
      'Les syndicats doutent.',
    ]);
  });

  it('keeps whole what a full stop without a space does not end: initials, acronyms, figures, addresses, files, ellipses', () => {
    for (const whole of [
      'Selon M.Dupont, l’usine de Brest ferme en juin.',
      'Le club appartient à F.C. Internazionale Milano S.p.A. depuis 2019.',
      'Il est né en 63 av. J.-C. à Rome.',
      'Les U.S. Marines quittent la base.',
      'Le P.-D.G. de la société, M. Martin, démissionne.',
      'La capitale, Washington D.C. compte 700 000 habitants.',
      'Le taux passe de 3.5 à 4.25 % sur un an.',
      'La version 2.0 du logiciel sort lundi.',
      'Le site OpenAI.com et www.lemonde.fr ont été bloqués.',
      'Le rapport est en ligne sur https://exemple.fr/Rapport.Annuel et sur Gouv.Fr/Budget.',
      'Le fichier index.html reste en place.',
      'Il hésita…Puis il signa le contrat.',
      'Pommes, poires, etc.) et du pain.',
    ]) expect(split(whole)).toEqual([whole]);
  });

  it('ends a sentence after an ellipsis before a capital word, never inside it, and goes on before a lower-case word', () => {
    expect(split('On y joue du jazz, du rock, du rap… Les concerts sont gratuits.')).toEqual([
      'On y joue du jazz, du rock, du rap…',
      'Les concerts sont gratuits.',
    ]);
    expect(split('Il hésita...Puis il signa le contrat.')).toEqual(['Il hésita...', 'Puis il signa le contrat.']);
    expect(split('Il hésita… puis il signa le contrat.')).toEqual(['Il hésita… puis il signa le contrat.']);
    // "(…)" marks words left out of a quotation, not its end.
    expect(split('« Nous resterons (…) Le site ne fermera pas », dit-il.')).toEqual(['« Nous resterons (…) Le site ne fermera pas », dit-il.']);
  });

  it('ends a sentence after "etc." before a capital word, not before a lower-case word', () => {
    expect(split('On y vend du pain, des fruits, etc. Le marché ouvre à 7 h.')).toEqual([
      'On y vend du pain, des fruits, etc.',
      'Le marché ouvre à 7 h.',
    ]);
    expect(split('Les cafés, les bars, etc. ferment à minuit.')).toEqual(['Les cafés, les bars, etc. ferment à minuit.']);
    expect(split('Les cafés, les bars, etc.Le maire a signé.')).toEqual(['Les cafés, les bars, etc.', 'Le maire a signé.']);
  });

  it('goes on after "?" or "!" when a lower-case word or a comma follows: an incise, or the rest of a cry', () => {
    expect(split('« Combien de temps encore ? » demanda le juge. La séance est levée.')).toEqual([
      '« Combien de temps encore ? » demanda le juge.',
      'La séance est levée.',
    ]);
    expect(split('« Jamais ! », a répondu la ministre.')).toEqual(['« Jamais ! », a répondu la ministre.']);
    expect(split('La foule chante « Debout ! enfants de la patrie » sur la place.')).toEqual([
      'La foule chante « Debout ! enfants de la patrie » sur la place.',
    ]);
    expect(split('Faut-il fermer la ligne ? La région tranchera. Oui ! Elle rouvre.')).toEqual([
      'Faut-il fermer la ligne ?',
      'La région tranchera.',
      'Oui !',
      'Elle rouvre.',
    ]);
  });
});

describe('sentence boundaries in the answer line', () => {
  // A page copied without the spaces after its full stops: before, the three sentences were one
  // and the answer line showed all of them.
  const coverage = lexicalCoverage([
    ['710_tram', { title: 'Le tramway de Brest' },
      "Le conseil métropolitain de Brest a voté lundi le budget de l'année.La seconde ligne de tramway coûtera 180 millions d'euros.Les travaux commenceront en septembre sur la rive droite."],
    ['711_port', { title: 'Le port de Brest' },
      'Le port de commerce de Brest accueille un nouveau terminal. Les grues arriveront au printemps.'],
  ]);

  it('answers with the sentence that holds the answer, without its glued neighbours', async () => {
    const a = await coverage.engine.ask('Combien coûtera la seconde ligne de tramway ?');
    expect(a.directAnswer?.source.id).toBe('710_tram');
    expect(a.directAnswer?.text).toBe("La seconde ligne de tramway coûtera 180 millions d'euros.");
  });
});

