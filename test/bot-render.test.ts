import { describe, expect, it } from 'vitest';
import { translate } from '../src/bot/i18n/index.js';
import { renderAnswer, sourceLine } from '../src/bot/render/answer-embeds.js';
import { answerButtons } from '../src/bot/render/components.js';
import { matchSources } from '../src/bot/commands/source.js';
import { renderCoverage, renderSourceCard } from '../src/bot/render/coverage.js';
import { formatCustomId, parseCustomId } from '../src/bot/render/custom-id.js';
import { DISCORD_LIMITS, limitViolations } from '../src/bot/render/limits.js';
import { quotePassage } from '../src/bot/render/quote-passage.js';
import { escapeMarkdown, safeUrl, truncateWords } from '../src/bot/render/text.js';
import type { Answer, Passage, SourceMeta } from '../src/engine/types.js';

const fr = translate('fr');
const en = translate('en-US');

const known: SourceMeta = {
  id: 'a1',
  title: 'SoftBank promet 100 milliards',
  publisher: 'Nikkei',
  url: 'https://example.org/softbank',
  date: '2024-12',
  language: 'fr',
};
const unknown: SourceMeta = { id: 'a2', title: 'Article sans métadonnées', publisher: null, url: null, date: null, language: null };

function passage(text: string, source: SourceMeta, highlight?: string): Passage {
  const start = highlight ? text.indexOf(highlight) : -1;
  return {
    chunkId: `${source.id}#0`,
    text,
    score: 1,
    source,
    link: source.url,
    highlights: start >= 0 ? [{ start, end: start + highlight!.length }] : [],
  };
}

function answer(over: Partial<Answer>): Answer {
  return {
    question: 'Combien ?',
    abstained: false,
    mode: 'hybrid',
    directAnswer: null,
    passages: [],
    suggestions: [],
    disagreements: [],
    warnings: [],
    hasMore: false,
    ...over,
  };
}

const words = (n: number) => Array.from({ length: n }, (_, i) => `mot${i}`).join(' ');

describe('truncateWords', () => {
  it('cuts on a word boundary and ends with an ellipsis', () => {
    expect(truncateWords('le conseil a voté hier soir', 15)).toBe('le conseil a…');
    expect(truncateWords('court', 15)).toBe('court');
  });
  it('cuts a single overlong word rather than dropping it', () => {
    const out = truncateWords('x'.repeat(50), 10);
    expect(out).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('escapeMarkdown', () => {
  it('keeps emphasis, spoilers, links and headings from being interpreted', () => {
    expect(escapeMarkdown('**gras** ||spoiler|| [lien](x) `code`')).toBe('\\*\\*gras\\*\\* \\|\\|spoiler\\|\\| \\[lien\\](x) \\`code\\`');
    expect(escapeMarkdown('# titre\n- liste\n> cite')).toBe('\\# titre\n\\- liste\n\\> cite');
  });
});

describe('quotePassage', () => {
  it('quotes the passage and puts the highlighted sentence in bold', () => {
    const text = 'Première phrase. SoftBank investit 100 milliards. Dernière phrase.';
    const out = quotePassage(text, [{ start: 17, end: 50 }], 4096);
    expect(out).toBe('> Première phrase. **SoftBank investit 100 milliards.** Dernière phrase.');
  });

  it('keeps a window around the highlight of a huge passage, cut on words with ellipses', () => {
    const text = `${words(2000)} La phrase qui répond est ici. ${words(2000)}`;
    const start = text.indexOf('La phrase');
    const out = quotePassage(text, [{ start, end: start + 'La phrase qui répond est ici.'.length }], 1000);
    expect(out.length).toBeLessThanOrEqual(1000);
    expect(out).toContain('**La phrase qui répond est ici.**');
    expect(out.startsWith('> …mot')).toBe(true);
    expect(out.endsWith('…')).toBe(true);
    // Cuts fall between words: every kept token is whole.
    for (const token of out.replace(/^> …/, '').replace(/…$/, '').split(/\s+/)) {
      if (token.startsWith('mot')) expect(token).toMatch(/^mot\d+$/);
    }
  });

  it('bolds each line of a highlight that spans lines, quoting every line', () => {
    const out = quotePassage('Avant.\nLigne un\nligne deux. Après.', [{ start: 7, end: 27 }], 500);
    expect(out).toBe('> Avant.\n> **Ligne un**\n> **ligne deux.** Après.');
  });

  it('ignores highlight ranges outside the text', () => {
    expect(quotePassage('abc def', [{ start: 50, end: 60 }, { start: 4, end: 2 }], 100)).toBe('> abc def');
  });
});

describe('renderAnswer', () => {
  it('puts the direct answer on top and one embed per passage with its linked source', () => {
    const text = 'SoftBank promet 100 milliards de dollars. Le reste.';
    const a = answer({
      directAnswer: { text: 'SoftBank promet 100 milliards de dollars.', chunkId: 'a1#0', source: known, link: known.url },
      passages: [passage(text, known, 'SoftBank promet 100 milliards de dollars.'), passage('Autre texte.', unknown)],
      warnings: ['model unavailable: answered with lexical search only'],
    });
    const out = renderAnswer(a, fr);
    expect(out.content.split('\n')[0]).toBe('**Réponse :** SoftBank promet 100 milliards de dollars.');
    // Operator warnings go to the log and /stats, never to members.
    expect(out.content).not.toContain('model unavailable');
    expect(out.embeds).toHaveLength(2);
    expect(out.embeds[0]).toMatchObject({ title: known.title, url: known.url, footer: { text: 'Nikkei · 2024-12' } });
    expect(out.embeds[0]!.description).toContain('**SoftBank promet 100 milliards de dollars.**');
    expect(limitViolations(out)).toEqual([]);
  });

  it('never invents what a source does not state: no link, no footer when publisher and date are unknown', () => {
    const out = renderAnswer(answer({ passages: [passage('Texte.', unknown)] }), fr);
    expect(out.embeds[0]!.url).toBeUndefined();
    expect(out.embeds[0]!.footer).toBeUndefined();
    expect(sourceLine({ ...unknown, publisher: 'Le Monde' })).toBe('Le Monde');
  });

  it('puts the author before the publisher in a passage footer, and on the article card (issue 14)', () => {
    const byline = { ...known, author: 'Anne Kerjean' };
    const out = renderAnswer(answer({ passages: [passage('Texte.', byline)] }), fr);
    expect(out.embeds[0]!.footer!.text).toBe(`Anne Kerjean · ${known.publisher} · ${known.date}`);
    const card = renderSourceCard(byline, translate('fr'));
    expect(card.fields!.find((f) => f.name === 'Auteur')!.value).toBe('Anne Kerjean');
    expect(renderSourceCard(byline, translate('en-US')).fields!.find((f) => f.name === 'Author')!.value).toBe('Anne Kerjean');
  });

  it('stays within every Discord limit with ten huge passages, long titles and many disagreements', () => {
    const hugeSource: SourceMeta = { ...known, title: words(200), publisher: words(300) };
    const huge = `${words(3000)} Réponse. ${words(3000)}`;
    const a = answer({
      directAnswer: { text: words(1000), chunkId: 'x', source: hugeSource, link: null },
      passages: Array.from({ length: 12 }, () => passage(huge, hugeSource, 'Réponse.')),
      disagreements: Array.from({ length: 30 }, (_, i) => ({
        topic: `sujet ${i} ${words(80)}`,
        claims: Array.from({ length: 10 }, () => ({ value: words(30), chunkId: 'x', source: hugeSource, sentence: words(50) })),
      })),
      warnings: Array.from({ length: 10 }, () => words(300)),
    });
    const out = renderAnswer(a, en);
    expect(limitViolations(out)).toEqual([]);
    expect(out.embeds.length).toBe(DISCORD_LIMITS.embeds);
    expect(out.embeds.at(-1)!.title).toBe('Sources disagree');
    expect(out.content.startsWith('**Answer:** mot0 mot1')).toBe(true);
  });

  it('shows a "sources disagree" note naming each claim and its source', () => {
    const a = answer({
      passages: [passage('Texte.', known)],
      disagreements: [
        {
          topic: 'montant (milliards)',
          claims: [
            { value: '100', chunkId: 'a1#0', source: known, sentence: '…' },
            { value: '15', chunkId: 'a2#0', source: unknown, sentence: '…' },
          ],
        },
      ],
    });
    const note = renderAnswer(a, fr).embeds.at(-1)!;
    expect(note.title).toBe('Les sources divergent');
    expect(note.fields![0]!.name).toBe('montant (milliards)');
    expect(note.fields![0]!.value).toBe(
      `• **100** — ${known.title} (Nikkei, 2024-12)\n• **15** — Article sans métadonnées`,
    );
  });

  it('abstains with the nearest articles as "you may look at", linked only when a url is known', () => {
    const out = renderAnswer(answer({ abstained: true, suggestions: [known, unknown] }), fr);
    expect(out.embeds).toEqual([]);
    expect(out.content).toBe(
      [
        "Je n'ai rien trouvé dans la couverture qui réponde à cette question.",
        'Vous pouvez consulter :',
        `• [${known.title}](<https://example.org/softbank>) — Nikkei`,
        '• Article sans métadonnées',
      ].join('\n'),
    );
  });

  it('escapes markdown coming from the corpus so it cannot break the layout', () => {
    const out = renderAnswer(answer({ passages: [passage('Un **faux gras** et @everyone.', known)] }), fr);
    expect(out.embeds[0]!.description).toBe('> Un \\*\\*faux gras\\*\\* et @everyone.');
  });
});

describe('buttons and custom ids', () => {
  it('round-trips every button id and stays within 100 characters', () => {
    const ids = [
      formatCustomId({ kind: 'more', questionId: Number.MAX_SAFE_INTEGER, offset: 999_999 }),
      formatCustomId({ kind: 'vote', questionId: 42, vote: -1 }),
      formatCustomId({ kind: 'sources', questionId: 42 }),
      formatCustomId({ kind: 'coverage', page: 3 }),
    ];
    for (const id of ids) {
      expect(id.length).toBeLessThanOrEqual(DISCORD_LIMITS.customId);
      expect(formatCustomId(parseCustomId(id)!)).toBe(id);
    }
    expect(parseCustomId('vote:12:sideways')).toBeNull();
    expect(parseCustomId('unknown:1')).toBeNull();
  });

  it('offers "more passages" only when the engine has more', () => {
    const labels = (rows: ReturnType<typeof answerButtons>) =>
      rows[0]!.components.map((b) => ('label' in b && b.label) || ('emoji' in b && b.emoji?.name));
    expect(labels(answerButtons(7, 3, true, en))).toEqual(['More passages', '👍', '👎', 'Sources']);
    expect(labels(answerButtons(7, null, true, fr))).toEqual(['👍', '👎', 'Sources']);
    expect(labels(answerButtons(7, null, false, fr))).toEqual(['👍', '👎']);
  });
});

describe('coverage lists', () => {
  it('pages the coverage 15 articles at a time with previous/next buttons', () => {
    const sources = Array.from({ length: 40 }, (_, i) => ({ ...known, id: `s${i}`, title: `Article ${String(i).padStart(2, '0')}` }));
    const page2 = renderCoverage(sources, 2, en);
    expect(page2.embeds[0]!.title).toBe('Coverage: 40 articles');
    expect(page2.embeds[0]!.footer!.text).toBe('Page 2/3');
    expect(page2.embeds[0]!.description!.split('\n')).toHaveLength(15);
    expect(page2.embeds[0]!.description).toContain('Article 15');
    const [prev, next] = page2.components[0]!.components;
    expect([prev!.disabled, next!.disabled]).toEqual([false, false]);
    expect(renderCoverage(sources, 99, en).embeds[0]!.footer!.text).toBe('Page 3/3');
  });

  it('matches typed words in titles and ids, accents and case ignored; titles starting with them first, each group in list order', () => {
    const titles = ['Bourse : Arm recule', 'Élan de SoftBank à Tokyo', 'Softbank investit aux États-Unis', 'Stargate : le pari de SoftBank'];
    const sources = titles.map((title, i) => ({ ...known, id: `a${i}`, title }));
    expect(matchSources(sources, 'softbank').map((s) => s.title)).toEqual([titles[2], titles[1], titles[3]]);
    expect(matchSources(sources, 'ELAN tokyo').map((s) => s.title)).toEqual([titles[1]]);
    expect(matchSources(sources, 'a3').map((s) => s.id)).toEqual(['a3']);
    expect(matchSources(sources, 'absent')).toEqual([]);
  });

  it('shows unknown metadata as unknown on an article card, with no link', () => {
    const card = renderSourceCard(unknown, fr);
    expect(card.url).toBeUndefined();
    expect(card.fields!.map((f) => f.value)).toEqual(['*inconnu*', '*inconnu*', '*inconnu*', '*inconnu*', '*inconnu*', '`a2`']);
  });

  it('accepts only http(s) links', () => {
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl('not a url')).toBeNull();
    expect(safeUrl('https://ex.org/a_(b)')).toBe('https://ex.org/a_%28b%29');
  });
});
