import { describe, expect, it } from 'vitest';
import { analyze, analyzeBoth } from '../src/engine/text/analyze.js';
import { analyseQuestion } from '../src/engine/text/question-analysis.js';
import {
  bm25,
  createLexicalIndex,
  idf,
  restoreLexicalIndex,
  withinOneEdit,
  type LexicalDoc,
  type LexicalIndex,
} from '../src/engine/search/bm25.js';

const docs: LexicalDoc[] = [
  {
    id: 'volcan#0',
    title: 'Île Saint-Paul',
    text: "L'île est un ancien volcan dont le cratère est envahi par la mer. Les coulées de lave forment les falaises.",
  },
  {
    id: 'volcan#1',
    title: 'Île Saint-Paul',
    text: 'La faune comprend des manchots, des otaries et de nombreux oiseaux marins qui nichent sur les falaises.',
  },
  {
    id: 'banque#0',
    title: 'Banque centrale',
    text: 'La banque centrale a relevé son taux directeur de 4,5 % en 2023 pour freiner une inflation persistante.',
  },
  {
    id: 'puces#0',
    title: 'Semi-conducteurs',
    text: "Le fabricant de puces a investi 4 milliards de dollars dans une usine aux États-Unis, créant 100 000 emplois.",
  },
];

describe('bm25', () => {
  it('is zero without occurrences and grows with term frequency, with diminishing returns', () => {
    expect(bm25(0, 3, 100, 100, 100, 1.2, 0.75)).toBe(0);
    const one = bm25(1, 3, 100, 100, 100, 1.2, 0.75);
    const two = bm25(2, 3, 100, 100, 100, 1.2, 0.75);
    const three = bm25(3, 3, 100, 100, 100, 1.2, 0.75);
    expect(one).toBeGreaterThan(0);
    expect(two).toBeGreaterThan(one);
    expect(three - two).toBeLessThan(two - one);
  });

  it('favours rare terms and short documents', () => {
    expect(bm25(1, 1, 100, 100, 100, 1.2, 0.75)).toBeGreaterThan(bm25(1, 50, 100, 100, 100, 1.2, 0.75));
    expect(bm25(1, 3, 100, 50, 100, 1.2, 0.75)).toBeGreaterThan(bm25(1, 3, 100, 200, 100, 1.2, 0.75));
  });

  it('matches the Okapi formula', () => {
    // idf = ln(1 + (100 - 3 + 0.5) / 3.5); tf' = 2 / (0.25 + 0.75 * 120 / 150); score = idf * tf' * 2.2 / (tf' + 1.2)
    const tfNorm = 2 / (0.25 + (0.75 * 120) / 150);
    expect(bm25(2, 3, 100, 120, 150, 1.2, 0.75)).toBeCloseTo(Math.log(1 + 97.5 / 3.5) * ((tfNorm * 2.2) / (tfNorm + 1.2)), 10);
  });

  it('never gives a negative idf, even for a term in every document', () => {
    expect(idf(10, 10)).toBeGreaterThan(0);
    expect(bm25(1, 0, 10, 5, 5, 1.2, 0.75)).toBe(0);
    expect(bm25(1, 1, 0, 5, 5, 1.2, 0.75)).toBe(0);
  });
});

describe('createLexicalIndex', () => {
  it('ranks the chunk that shares the question words first, across inflections and accents', () => {
    const index = createLexicalIndex(docs);
    expect(index.search('De quoi est formé le cratere du volcan ?', 3)[0]?.id).toBe('volcan#0');
    expect(index.search('Quels oiseaux nichent sur les falaises ?', 3)[0]?.id).toBe('volcan#1');
    expect(index.search('combien a investi le fabricant', 3)[0]?.id).toBe('puces#0');
  });

  it('ranks a passage on the question\'s topic above one that only repeats the noun "quel" asks for', () => {
    // "couleur" names the kind of answer ("rouge et blanc"), "drapeau" what it is about: at equal
    // weights the two passages tie (and the tie goes to the first id).
    const index = createLexicalIndex([
      { id: 'a-supporters', text: 'La couleur préférée des supporters est le bleu.', title: 'Supporters' },
      { id: 'b-drapeau', text: 'Le drapeau du Pérou est rouge et blanc.', title: 'Pérou' },
      { id: 'c-supporters', text: 'Les supporters chantent pendant le match.', title: 'Supporters' },
      { id: 'd-cuivre', text: 'Le Pérou exporte du cuivre.', title: 'Pérou' },
    ]);
    expect(index.search('Quelle est la couleur du drapeau ?', 2).map((h) => h.id)).toEqual(['b-drapeau', 'a-supporters']);
  });

  it('finds numbers written with other separators', () => {
    const index = createLexicalIndex(docs);
    expect(index.search('taux de 4.5%', 1)[0]?.id).toBe('banque#0');
    expect(index.search('100000 emplois', 1)[0]?.id).toBe('puces#0');
  });

  it('uses the article title as context for its chunks', () => {
    const index = createLexicalIndex(docs);
    const hits = index.search('Saint-Paul manchots', 4);
    expect(hits[0]?.id).toBe('volcan#1');
    expect(hits.map((h) => h.id)).toContain('volcan#0');
    const noTitles = createLexicalIndex(docs, { titleWeight: 0 });
    expect(noTitles.search('Saint-Paul manchots', 4).map((h) => h.id)).toEqual(['volcan#1']);
  });

  it('tolerates a one-letter typo in a word the coverage does not use', () => {
    const fuzzyOnly = createLexicalIndex(docs, { prefixWeight: 0 });
    expect(fuzzyOnly.search('une inflation persitante', 1)[0]?.id).toBe('banque#0');
    expect(fuzzyOnly.search('persitante', 1)[0]?.id).toBe('banque#0');
    expect(createLexicalIndex(docs, { fuzzyWeight: 0, prefixWeight: 0 }).search('persitante', 1)).toEqual([]);
  });

  it('matches words sharing their first letters, which stemming keeps apart', () => {
    expect(createLexicalIndex(docs).search('inflationniste', 1)[0]?.id).toBe('banque#0');
    expect(createLexicalIndex(docs, { prefixWeight: 0, fuzzyWeight: 0 }).search('inflationniste', 1)).toEqual([]);
  });

  it('bridges an English question to French text', () => {
    const index = createLexicalIndex(docs);
    expect(index.search('How many jobs did the chip maker create?', 1)[0]?.id).toBe('puces#0');
  });

  it('returns hits sorted by decreasing positive score, at most k', () => {
    const index = createLexicalIndex(docs);
    const hits = index.search('falaises volcan banque', 2);
    expect(hits).toHaveLength(2);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
    expect(hits.every((h) => h.score > 0)).toBe(true);
  });

  it('returns nothing for an empty index, an empty query, a stop-word query or k = 0', () => {
    expect(createLexicalIndex([]).search('volcan', 5)).toEqual([]);
    const index = createLexicalIndex(docs);
    expect(index.search('', 5)).toEqual([]);
    expect(index.search('   ', 5)).toEqual([]);
    expect(index.search('le la les de du', 5)).toEqual([]);
    expect(index.search('volcan', 0)).toEqual([]);
    expect(index.search('xylophone', 5)).toEqual([]);
  });

  it('adds, replaces and removes chunks', () => {
    const index = createLexicalIndex(docs.slice(0, 2));
    expect(index.size).toBe(2);
    expect(index.search('inflation', 5)).toEqual([]);

    index.add([docs[2]!]);
    expect(index.has('banque#0')).toBe(true);
    expect(index.search('inflation', 5).map((h) => h.id)).toEqual(['banque#0']);

    index.add([{ id: 'banque#0', text: 'La banque a fermé ses guichets.', title: 'Banque centrale' }]);
    expect(index.size).toBe(3);
    expect(index.search('inflation', 5)).toEqual([]);
    expect(index.search('guichets', 5).map((h) => h.id)).toEqual(['banque#0']);

    index.remove(['banque#0', 'unknown#9']);
    expect(index.size).toBe(2);
    expect(index.has('banque#0')).toBe(false);
    expect(index.search('guichets banque', 5)).toEqual([]);
  });

  it('scores after removal exactly like an index built without the removed chunks', () => {
    const shrunk = createLexicalIndex(docs);
    shrunk.remove(['banque#0']);
    const fresh = createLexicalIndex(docs.filter((d) => d.id !== 'banque#0'));
    expect(shrunk.search('falaises des oiseaux', 5)).toEqual(fresh.search('falaises des oiseaux', 5));
  });
});

describe('compact storage', () => {
  const questions = ['volcan falaises', 'taux 4,5 %', 'États-Unis emplois', 'inflaton', 'How much did they invest?', 'falaises des oiseaux'];
  const answers = (index: LexicalIndex) => questions.map((q) => index.search(q, 5));

  it('scores exactly the same once additions and removals are folded into the compact postings', () => {
    const index = createLexicalIndex(docs);
    index.remove(['banque#0']);
    const before = answers(index);
    index.compact();
    expect(answers(index)).toEqual(before);
    expect(answers(index)).toEqual(answers(createLexicalIndex(docs.filter((d) => d.id !== 'banque#0'))));
  });

  it('mixes compact and freshly added passages, and removes from both, like an index built in one go', () => {
    const index = createLexicalIndex(docs.slice(0, 3));
    index.compact();
    index.add([docs[3]!]);
    index.remove(['volcan#0']);
    index.add([{ id: 'volcan#0', title: 'Île Saint-Paul', text: 'Le volcan dort sous les falaises depuis des siècles.' }]);
    const fresh = createLexicalIndex([docs[1]!, docs[2]!, docs[3]!, { id: 'volcan#0', title: 'Île Saint-Paul', text: 'Le volcan dort sous les falaises depuis des siècles.' }]);
    expect(answers(index)).toEqual(answers(fresh));
    expect(index.size).toBe(4);
  });

  it('keeps a staged passage out of every search and lookup until revealed, then scores as if added', () => {
    const replaced = { id: 'volcan#0', title: 'Île Saint-Paul', text: 'Le volcan dort sous les falaises depuis des siècles.' };
    const analysed = (d: LexicalDoc) => {
      const { terms, words } = analyzeBoth(d.text);
      return [d.id, terms, words, d.title ? analyze(d.title) : null] as const;
    };
    const index = createLexicalIndex(docs.slice(0, 3));
    index.compact();
    const before = answers(index);
    const staged = [index.stageAnalysed(...analysed(docs[3]!)), index.stageAnalysed(...analysed(replaced))];
    expect(answers(index)).toEqual(before);
    expect(index.size).toBe(3);
    expect(index.has(docs[3]!.id)).toBe(false);
    expect(index.termsOf('volcan#0')).toEqual(createLexicalIndex(docs.slice(0, 1)).termsOf('volcan#0'));
    index.remove(['volcan#0']);
    index.reveal(staged);
    expect(answers(index)).toEqual(answers(createLexicalIndex([docs[1]!, docs[2]!, docs[3]!, replaced])));
    expect(index.size).toBe(4);
  });

  it('gives the distinct body terms of a passage, not its title', () => {
    const index = createLexicalIndex([{ id: 'a#0', title: 'Banque', text: 'La banque centrale et la banque du Japon.' }]);
    index.compact();
    const terms = index.termsOf('a#0')!;
    expect(new Set(terms).size).toBe(terms.length);
    expect([...terms].sort()).toEqual([...new Set(createLexicalIndex([{ id: 'x', text: 'La banque centrale et la banque du Japon.' }]).termsOf('x'))].sort());
    expect(index.termsOf('missing#0')).toBeUndefined();
  });
});

describe('restoreLexicalIndex', () => {
  it('restores an index that answers exactly like the original from its snapshot', async () => {
    const index = createLexicalIndex(docs, { k1: 0.9 });
    const restored = await restoreLexicalIndex(index.snapshot());
    expect(restored.size).toBe(index.size);
    for (const q of ['volcan falaises', 'taux 4,5 %', 'États-Unis emplois', 'inflaton', 'How much did they invest?']) {
      expect(restored.search(q, 5)).toEqual(index.search(q, 5));
    }
    expect(restored.snapshot().options.k1).toBe(0.9);
  });

  it('keeps working after restore: add and remove', async () => {
    const restored = await restoreLexicalIndex(createLexicalIndex(docs.slice(0, 1)).snapshot());
    restored.add([docs[1]!]);
    restored.remove(['volcan#0']);
    expect(restored.search('manchots', 5).map((h) => h.id)).toEqual(['volcan#1']);
  });

  it('takes more passages after restore than it restored, past the room it was given, scoring like an index built in one go', async () => {
    // Restored with room to grow (twice what it holds, at least 16), so a load's first ingest
    // copies nothing; growth past that room still works as before.
    const more = Array.from({ length: 40 }, (_, i) => ({ id: `depeche#${i}`, title: `Dépêche ${i}`, text: `La dépêche numéro ${i} parle du port, des falaises et du budget ${i % 3 === 0 ? 'municipal' : 'régional'}.` }));
    const restored = await restoreLexicalIndex(createLexicalIndex(docs).snapshot());
    for (const d of more) restored.add([d]);
    restored.remove(['volcan#1', 'depeche#7']);
    const whole = createLexicalIndex([...docs, ...more].filter((d) => d.id !== 'volcan#1' && d.id !== 'depeche#7'));
    expect(restored.size).toBe(whole.size);
    for (const q of ['budget municipal', 'falaises du port', 'dépêche 33', 'manchots et otaries', 'taux directeur']) expect(restored.search(q, 10)).toEqual(whole.search(q, 10));
  });

  it('refuses a snapshot of another analyzer or an incomplete one, saying why', async () => {
    const snapshot = createLexicalIndex(docs).snapshot();
    await expect(restoreLexicalIndex({ ...snapshot, analyzer: -1 })).rejects.toThrow(/rebuild/);
    await expect(restoreLexicalIndex({ ...snapshot, ids: snapshot.ids.slice(1) })).rejects.toThrow(/incomplete/);
  });
});

describe('withinOneEdit', () => {
  it('accepts one substitution, insertion, deletion or swap of neighbours and nothing more', () => {
    expect(withinOneEdit('inflation', 'inflaton')).toBe(true);
    expect(withinOneEdit('chat', 'chats')).toBe(true);
    expect(withinOneEdit('chat', 'chut')).toBe(true);
    expect(withinOneEdit('chat', 'chat')).toBe(true);
    expect(withinOneEdit('chat', 'chien')).toBe(false);
    expect(withinOneEdit('dexu', 'deux')).toBe(true);
    expect(withinOneEdit('abcd', 'badc')).toBe(false);
    expect(withinOneEdit('abcd', 'ab')).toBe(false);
  });
});

describe('an analysed question asked again', () => {
  it('gets the same hits, and sees passages added or removed since', () => {
    const index = createLexicalIndex([{ id: 'a#0', text: 'La cave du Vercors accueille des meules.' }]);
    const question = analyseQuestion('Combien de meules la cave accueille-t-elle ?');
    expect(index.search(question, 5).map((h) => h.id)).toEqual(['a#0']);
    expect(index.search(question, 5).map((h) => h.id)).toEqual(['a#0']);
    index.add([{ id: 'b#0', text: 'Une autre cave accueille mille meules de bleu.' }]);
    expect(index.search(question, 5).map((h) => h.id).sort()).toEqual(['a#0', 'b#0']);
    index.remove(['a#0']);
    expect(index.search(question, 5).map((h) => h.id)).toEqual(['b#0']);
    // The same question as text reads the same.
    expect(index.search('Combien de meules la cave accueille-t-elle ?', 5).map((h) => h.id)).toEqual(['b#0']);
  });
});
