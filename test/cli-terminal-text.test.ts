import { describe, expect, it } from 'vitest';
import { ANSI, formatAnswer, PLAIN } from '../src/cli/format-answer.js';
import { visibleWidth } from '../src/cli/wrap.js';
import { jsonLine, terminalText } from '../src/cli/terminal-text.js';
import type { Answer, SourceMeta } from '../src/engine/types.js';

// Issue 14, findings 3 and 7: a file placed in the corpus by hand has not been cleaned by
// ingest; whatever the CLI prints from a source must still not drive the terminal.

const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const hostile: SourceMeta = {
  id: 'hostile',
  title: 'Titre \u001b]52;c;ZWNobyBwd25lZA==\u0007\u001b[2J',
  publisher: 'Éditeur \u202eexe.txt',
  author: 'Anne \u009b31m Kerjean',
  url: 'https://example.org/a',
  date: '2025-01-02',
  language: 'fr',
};

describe('terminalText', () => {
  it('shows control characters and bidi overrides as visible escapes, keeping line feeds and tabs', () => {
    expect(terminalText('a\u001b[2Jb\u0007c\u202ed\n\te')).toBe('a\\x1B[2Jb\\x07c\\u202Ed\n\te');
  });
});

describe('jsonLine', () => {
  it('writes every control and bidi character as a \\u escape that parses back to the same value', () => {
    const value = { title: hostile.title, publisher: hostile.publisher, author: hostile.author };
    const line = jsonLine(value);
    expect(line).not.toMatch(CONTROL);
    expect(JSON.parse(line)).toEqual(value);
  });
});

describe('formatAnswer', () => {
  it('prints a hand-placed article’s control bytes as escapes, with the author next to the publisher', () => {
    const text = 'La digue \u001b[31mrouge\u001b[0m a tenu.';
    const answer: Answer = {
      question: 'q',
      abstained: false,
      mode: 'lexical',
      directAnswer: { text, chunkId: 'hostile#0', source: hostile, link: null },
      passages: [{ chunkId: 'hostile#0', text, score: 1, source: hostile, link: 'https://example.org/a', highlights: [{ start: 0, end: 8 }] }],
      suggestions: [],
      disagreements: [],
      warnings: [],
      hasMore: false,
    };
    const out = formatAnswer(answer, PLAIN);
    expect(out).not.toMatch(CONTROL);
    expect(out).toContain('Titre \\x1B]52;c;ZWNobyBwd25lZA==\\x07\\x1B[2J — Anne \\x9B31m Kerjean, Éditeur \\u202Eexe.txt, 2025-01-02');
    expect(out).toContain('La digue \\x1B[31mrouge\\x1B[0m a tenu.');
  });
});

describe('formatAnswer on a terminal', () => {
  const source: SourceMeta = { id: 'a', title: 'Le budget des transports voté', publisher: 'Le Progrès', author: null, url: null, date: '2025-03', language: 'fr' };
  const text = 'Le conseil municipal a voté mardi soir le budget des transports, en hausse de quatre pour cent.\nLa majorité a salué un effort sans précédent pour les bus de nuit.';
  const answer: Answer = {
    question: 'q',
    abstained: false,
    mode: 'lexical',
    directAnswer: null,
    passages: [{ chunkId: 'a#0', text, score: 1, source, link: 'https://example.org/un-lien-tres-long-qui-ne-se-coupe-pas-au-milieu', highlights: [{ start: 21, end: 38 }] }],
    suggestions: [],
    disagreements: [],
    warnings: [],
    hasMore: false,
  };

  it('wraps to the terminal width with passages as indented blocks, words and links kept whole', () => {
    const out = formatAnswer(answer, ANSI, 40);
    const lines = out.split('\n');
    const link = 'https://example.org/un-lien-tres-long-qui-ne-se-coupe-pas-au-milieu';
    for (const line of lines) if (!line.includes(link)) expect(visibleWidth(line)).toBeLessThanOrEqual(40);
    expect(lines[0]).toBe('[1] Le budget des transports voté — Le');
    // Every line of the passage, wrapped or not, keeps the passage's indent.
    expect(lines.slice(2).every((l) => l.startsWith('    '))).toBe(true);
    expect(lines.map((l) => l.trim()).join(' ').replace(/\u001b\[[0-9;]*m/g, '')).toContain('en hausse de quatre pour cent. La majorité a salué');
    expect(lines.at(-1)).toContain(link);
  });

  it('leaves piped output unwrapped, one line per paragraph', () => {
    expect(formatAnswer(answer, PLAIN).split('\n')[1]).toBe('    Le conseil municipal **a voté mardi soir** le budget des transports, en hausse de quatre pour cent.');
  });
});
