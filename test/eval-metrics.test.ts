import { describe, expect, it } from 'vitest';
import { firstHitRank, isHit, normalizeForMatch } from '../src/engine/eval/hit-test.js';
import { abstention, hitAt, meanReciprocalRank, percentile, summarize, summarizeByLanguage, type QuestionOutcome } from '../src/engine/eval/metrics.js';
import { parseEvalQuestions } from '../src/engine/eval/questions.js';
import { formatMisses, formatReport } from '../src/engine/eval/format-report.js';
import { gradeAnswer } from '../src/engine/eval/run-eval.js';

const q = { sources: ['007'], answerContains: ['L’usine  d’Abilene'] };

describe('hit test', () => {
  it('compares after lowercasing, collapsing whitespace and mapping ’ to \'', () => {
    expect(normalizeForMatch('L’Usine\u00a0 \n d’Abilene')).toBe("l'usine d'abilene");
    expect(isHit({ sourceId: '007_abc', text: "Voici l'usine\nd'ABILENE, au Texas." }, q)).toBe(true);
  });

  it('needs both an expected source (by id prefix) and an expected phrase', () => {
    expect(isHit({ sourceId: '008_abc', text: "l'usine d'Abilene" }, q)).toBe(false);
    expect(isHit({ sourceId: '007_abc', text: "l'usine de Dallas" }, q)).toBe(false);
  });

  it('ranks the first hit from 1, and gives null when none hits', () => {
    const passages = [
      { sourceId: '001_x', text: "l'usine d'Abilene" },
      { sourceId: '007_y', text: 'rien' },
      { sourceId: '007_y', text: "l'usine d'Abilene" },
    ];
    expect(firstHitRank(passages, q)).toBe(3);
    expect(firstHitRank(passages.slice(0, 2), q)).toBeNull();
    expect(firstHitRank([], q)).toBeNull();
  });
});

describe('metrics', () => {
  it('computes hit@k over ranks, counting misses', () => {
    expect(hitAt([1, 3, null, 2], 1)).toBe(0.25);
    expect(hitAt([1, 3, null, 2], 3)).toBe(0.75);
    expect(hitAt([], 3)).toBeNull();
  });

  it('computes MRR with 0 for a miss', () => {
    expect(meanReciprocalRank([1, 2, null, 4])).toBeCloseTo((1 + 0.5 + 0 + 0.25) / 4);
    expect(meanReciprocalRank([])).toBeNull();
  });

  it('computes abstention precision and recall with "should abstain" as the positive class', () => {
    const r = abstention([
      { expectAbstain: true, abstained: true },
      { expectAbstain: true, abstained: false },
      { expectAbstain: false, abstained: true },
      { expectAbstain: false, abstained: false },
      { expectAbstain: false, abstained: true },
    ]);
    expect(r.precision).toBeCloseTo(1 / 3);
    expect(r.recall).toBe(0.5);
    expect(abstention([{ expectAbstain: false, abstained: false }])).toEqual({ precision: null, recall: null });
  });

  it('takes nearest-rank percentiles', () => {
    const ms = [50, 10, 40, 20, 30, 60, 70, 80, 90, 100];
    expect(percentile(ms, 50)).toBe(50);
    expect(percentile(ms, 95)).toBe(100);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('summarizes per language and overall; hit@n above k is not reported', () => {
    const o = (id: string, lang: string, rank: number | null, extra: Partial<QuestionOutcome> = {}): QuestionOutcome => ({
      id, lang, expectAbstain: false, abstained: false, rank, latencyMs: 10, ...extra,
    });
    const outcomes = [
      o('a', 'fr', 1),
      o('b', 'fr', 4),
      o('c', 'en', null, { abstained: true }),
      o('d', 'en', null, { expectAbstain: true, abstained: true, latencyMs: 30 }),
    ];
    const { overall, byLang } = summarizeByLanguage(outcomes);
    expect(Object.keys(byLang)).toEqual(['fr', 'en']);
    expect(byLang.fr).toMatchObject({ answerable: 2, hitAt1: 0.5, hitAt3: 0.5, hitAt5: 1, mrr: (1 + 0.25) / 2, falseAbstentions: 0 });
    expect(byLang.en).toMatchObject({ answerable: 1, unanswerable: 1, hitAt1: 0, abstentionPrecision: 0.5, abstentionRecall: 1, falseAbstentions: 1 });
    expect(overall).toMatchObject({ questions: 4, answerable: 3, hitAt5: 2 / 3, p50Ms: 10, p95Ms: 30 });
    expect(summarize(outcomes, 3).hitAt5).toBeNull();
  });

  it('counts the answer line and the first highlight right over answerable questions; abstaining is a miss', () => {
    const o = (id: string, answerRight: boolean | null, highlightRight: boolean | null, extra: Partial<QuestionOutcome> = {}): QuestionOutcome => ({
      id, lang: 'fr', expectAbstain: false, abstained: false, rank: 1, latencyMs: 1, answerRight, highlightRight, ...extra,
    });
    const s = summarize([o('a', true, true), o('b', false, true), o('c', null, null, { abstained: true, rank: null }), o('d', null, null, { expectAbstain: true, abstained: true })]);
    expect(s).toMatchObject({ answerable: 3, answerAt1: 1 / 3, highlightAt1: 2 / 3 });
  });

  it('counts the answer lines shown and how many of them are right; a withheld line is neither', () => {
    const o = (id: string, answerText: string | null, answerRight: boolean | null, extra: Partial<QuestionOutcome> = {}): QuestionOutcome => ({
      id, lang: 'fr', expectAbstain: false, abstained: false, rank: 1, latencyMs: 1, answerText, answerRight, ...extra,
    });
    const s = summarize([
      o('right', 'La ville est Abilene.', true),
      o('wrong', 'Au Texas.', false),
      o('withheld', null, false),
      o('abstained', null, null, { abstained: true, rank: null }),
      o('off-topic answered', 'Au Texas.', null, { expectAbstain: true }),
    ]);
    expect(s).toMatchObject({ answerable: 4, answerAt1: 1 / 4, linesShown: 2, rightWhenShown: 1 / 2 });
    expect(summarize([o('withheld', null, false)])).toMatchObject({ linesShown: 0, rightWhenShown: null });
  });

  it('reports lines shown and right when shown as the table\'s two columns before the latencies', () => {
    const outcomes = [
      { id: 'a', lang: 'fr', expectAbstain: false, abstained: false, rank: 1, latencyMs: 2, answerText: 'Abilene.', answerRight: true, highlightRight: true },
      { id: 'b', lang: 'fr', expectAbstain: false, abstained: false, rank: 2, latencyMs: 2, answerText: 'Au Texas.', answerRight: false, highlightRight: false },
      { id: 'c', lang: 'fr', expectAbstain: false, abstained: false, rank: 1, latencyMs: 2, answerText: null, answerRight: false, highlightRight: true },
    ];
    const table = formatReport([{ mode: 'lexical', available: true, answeredWith: 'lexical', note: null, outcomes, ...summarizeByLanguage(outcomes) }]).split('\n');
    const cells = (line: string) => line.split('|').slice(1, -1).map((c) => c.trim());
    const header = cells(table[0]!);
    const row = cells(table[2]!);
    expect(row).toHaveLength(header.length);
    expect(row[header.indexOf('lines shown')]).toBe('2');
    expect(row[header.indexOf('right when shown')]).toBe('0.500');
    expect(header.indexOf('right when shown')).toBe(header.indexOf('p50 ms') - 1);
  });
});

describe('grading one answer', () => {
  const source = (id: string) => ({ id, title: 't', publisher: null, url: null, date: null, language: 'fr' });
  const question = { id: 'q', lang: 'fr', question: 'Où ?', sources: ['007'], answerContains: ['Abilene'], abstain: false };
  const answer = (direct: string, highlighted: [number, number]) => ({
    question: 'Où ?', abstained: false, mode: 'lexical' as const, suggestions: [], disagreements: [], warnings: [], hasMore: false,
    directAnswer: { text: direct, chunkId: '007_x#0', source: source('007_x'), link: null },
    passages: [{ chunkId: '007_x#0', text: 'Au Texas. La ville est Abilene.', score: 1, source: source('007_x'), link: null, highlights: [{ start: highlighted[0], end: highlighted[1] }] }],
  });

  it('grades the answer line and the first passage\'s highlights, keeping the line for reading misses', () => {
    expect(gradeAnswer(question, answer('La ville est Abilene.', [10, 31]), 5)).toMatchObject({ rank: 1, answerRight: true, highlightRight: true, answerText: 'La ville est Abilene.' });
    expect(gradeAnswer(question, answer('Au Texas.', [0, 9]), 5)).toMatchObject({ rank: 1, answerRight: false, highlightRight: false });
  });

  it('lists misses with the answer line they got', () => {
    const outcome = gradeAnswer(question, answer('Au Texas.', [0, 9]), 5);
    const text = formatMisses([{ mode: 'lexical', available: true, answeredWith: 'lexical', note: null, outcomes: [outcome], overall: null, byLang: {} }], [question]);
    expect(text).toBe('Misses:\nlexical q [fr] Où ? → «Au Texas.» (first hit at 1)');
  });
});

describe('question file', () => {
  it('reads answerable and unanswerable questions, skipping blank lines', () => {
    const qs = parseEvalQuestions(
      '{"id": "q1", "lang": "fr", "question": "Où ?", "sources": ["001"], "answer_contains": ["ici"]}\n\n' +
        '{"id": "q2", "lang": "en", "question": "Who?", "abstain": true}\n',
    );
    expect(qs).toEqual([
      { id: 'q1', lang: 'fr', question: 'Où ?', sources: ['001'], answerContains: ['ici'], abstain: false },
      { id: 'q2', lang: 'en', question: 'Who?', sources: [], answerContains: [], abstain: true },
    ]);
  });

  it.each([
    ['not JSON', '{"id": "q1",', /line 1: not valid JSON/],
    ['no answer fields', '{"id": "q1", "lang": "fr", "question": "Où ?"}', /line 1: expected/],
    ['duplicate id', '{"id": "q", "question": "A ?", "abstain": true}\n{"id": "q", "question": "B ?", "abstain": true}', /line 2: duplicate id "q"/],
    ['empty file', '\n\n', /no questions/],
  ])('refuses a file with %s, naming the line', (_, text, message) => {
    expect(() => parseEvalQuestions(text)).toThrow(message);
  });
});
