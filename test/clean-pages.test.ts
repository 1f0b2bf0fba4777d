import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findArticleText } from '../src/engine/corpus/clean.js';
import { createEngine } from '../src/engine/engine.js';
import { fromHtml } from '../src/engine/ingest/extract-article.js';
import { splitSentences } from '../src/engine/text/sentences.js';
import type { Engine } from '../src/engine/types.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

const keptText = (body: string) => findArticleText(body).map((r) => body.slice(r.start, r.end)).join('\n');

// Pages written for these tests in the shape of real ones: an encyclopedia page with a
// "Sources" section in its body, a news page whose HTML source wraps its paragraphs, and
// articles in other scripts.
const ENCYCLOPEDIA = [
  'Le viaduc de Millau est un pont à haubans qui franchit la vallée du Tarn, dans l’Aveyron. Il a été inauguré le 14 décembre 2004 après trois ans de travaux.',
  'Sources',
  'La conception revient à l’ingénieur Michel Virlogeux et à l’architecte Norman Foster. Les piles ont été coulées sur place, la plus haute atteignant 245 mètres.',
  'Le tablier d’acier a été assemblé de part et d’autre de la vallée puis poussé au-dessus des piles, une méthode choisie pour limiter les risques du chantier.',
  'Notes',
  'Le péage finance l’entretien de l’ouvrage. La concession a été attribuée au groupe Eiffage pour soixante-quinze ans, une durée inhabituelle pour un ouvrage de ce type.',
  'Le trafic dépasse quatre millions de véhicules par an, avec des pointes en été lorsque les vacanciers rejoignent la Méditerranée par l’autoroute A75.',
  'La structure est surveillée en permanence par des capteurs qui mesurent les mouvements du tablier et la force du vent sur les haubans.',
  'Le pont a reçu plusieurs prix d’ingénierie et attire chaque année des centaines de milliers de visiteurs venus l’admirer depuis l’aire de repos.',
  'Références',
  '1. Virlogeux, M. (2004). Le viaduc de Millau. Annales des ponts.',
  '2. https://exemple.org/millau',
].join('\n');

const WRAPPED_PAGE = `<!doctype html><html lang="fr"><head><title>La cave du Vercors ouvre ses portes</title></head><body>
<article>
<h1>La cave du Vercors ouvre ses portes</h1>
<p>La coopérative laitière du Vercors a inauguré mardi une cave
d’affinage creusée dans la roche, qui peut accueillir
12 000 meules de bleu.</p>
<p>Le chantier a coûté 3 millions d’euros,
financés par la région et par les producteurs
eux-mêmes, selon le président de la coopérative.</p>
<p>Adresse :<br>Route des Grottes<br>38250 Villard-de-Lans</p>
<pre>horaires  10 h - 12 h
          14 h - 18 h</pre>
</article></body></html>`;

describe('cleaning keeps the article', () => {
  it('drops a "Sources" or "Notes" heading in the body but keeps the text after it; the trailing "Références" list goes', () => {
    const kept = keptText(ENCYCLOPEDIA);
    expect(kept).toContain('Michel Virlogeux et à l’architecte Norman Foster');
    expect(kept).toContain('La concession a été attribuée au groupe Eiffage');
    expect(kept).toContain('des centaines de milliers de visiteurs');
    expect(kept).not.toMatch(/^(Sources|Notes|Références)$/m);
    expect(kept).not.toContain('Annales des ponts');
    expect(kept.length).toBeGreaterThan(0.8 * ENCYCLOPEDIA.length - 200);
  });

  it('ends the article at a "Notes" heading followed by a numbered list, even far from the end', () => {
    const body = ['Le texte de l’article tient en une phrase complète et suffisamment longue.', 'Notes', ...Array.from({ length: 30 }, (_, i) => `${i + 1}. Référence numéro ${i + 1}, page ${i * 3}, éditions du Seuil, Paris, 1998.`)].join('\n');
    expect(keptText(body)).toBe('Le texte de l’article tient en une phrase complète et suffisamment longue.');
  });

  it('joins the lines of a paragraph that the stored text still breaks mid-sentence, so its sentences stay whole', () => {
    const body = [
      'Le fondateur du groupe a annoncé mercredi un investissement de cent millions d’euros dans',
      'une usine de batteries, qui doit ouvrir en 2027 près de Dunkerque.',
      'Les syndicats saluent la nouvelle.',
    ].join('\n');
    const ranges = findArticleText(body);
    expect(ranges).toHaveLength(2);
    const sentences = splitSentences(body, ranges[0]!.start, ranges[0]!.end).map((r) => body.slice(r.start, r.end));
    expect(sentences).toHaveLength(1);
    expect(sentences[0]).toMatch(/^Le fondateur.*près de Dunkerque\.$/s);
  });

  it('keeps a short heading apart from the paragraph that follows it', () => {
    const body = 'Un chantier hors normes\nla région a financé la moitié des travaux, dit le président.';
    expect(findArticleText(body)).toHaveLength(2);
  });

  it('turns the HTML source’s line breaks inside a paragraph into spaces, keeping <br> and <pre> lines', () => {
    const article = fromHtml(WRAPPED_PAGE, 'https://exemple.fr/cave');
    const paragraphs = article.text.split('\n\n');
    expect(paragraphs).toContain('La coopérative laitière du Vercors a inauguré mardi une cave d’affinage creusée dans la roche, qui peut accueillir 12 000 meules de bleu.');
    expect(paragraphs).toContain('Le chantier a coûté 3 millions d’euros, financés par la région et par les producteurs eux-mêmes, selon le président de la coopérative.');
    expect(article.text).toContain('Adresse :\nRoute des Grottes\n38250 Villard-de-Lans');
    expect(article.text).toMatch(/10 h - 12 h\n\s*14 h - 18 h/);
  });

  it('keeps articles written in other scripts, and still drops a short caption in another script than the article’s', () => {
    const chinese = '软银集团宣布将在美国投资一千亿美元，建设人工智能数据中心。\n孙正义表示，这是对美国未来的信心。';
    expect(keptText(chinese)).toBe(chinese);
    const russian = 'Компания SoftBank объявила об инвестициях в центры обработки данных в США.\nРешение поддержал президент.';
    expect(keptText(russian)).toBe(russian);
    const french = 'Le groupe investit cent milliards aux États-Unis, a dit son fondateur.\n孙正义在东京\nLa bourse a salué l’annonce.';
    expect(keptText(french)).not.toContain('孙正义');
  });
});

describe('articles in other scripts are searchable', () => {
  let scratch: Scratch;
  let engine: Engine;
  beforeAll(async () => {
    scratch = makeScratch();
    scratch.writeArticle('400_zh', { title: '软银投资美国', language: 'zh' }, '软银集团宣布将在美国投资一千亿美元，建设人工智能数据中心。孙正义表示，这是对美国未来的信心。');
    scratch.writeArticle('401_ja', { title: 'ソフトバンクの投資', language: 'ja' }, 'ソフトバンクグループは米国に1000億ドルを投資すると発表した。孫正義氏は記者会見で計画を説明した。');
    scratch.writeArticle('402_ru', { title: 'Инвестиции SoftBank', language: 'ru' }, 'Компания SoftBank объявила об инвестициях в центры обработки данных в США. Решение поддержал президент.');
    scratch.writeArticle('403_fr', { title: 'La cave du Vercors' }, 'La coopérative laitière du Vercors a inauguré mardi une cave d’affinage. Elle peut accueillir 12 000 meules de bleu.');
    engine = await createEngine(scratch.config({ mode: 'lexical' }));
    await engine.reindex();
  });
  afterAll(async () => {
    await engine?.dispose();
    scratch?.cleanup();
  });

  it.each([
    ['软银在美国投资多少？', '400_zh'],
    ['ソフトバンクは米国にいくら投資しますか？', '401_ja'],
    ['Сколько SoftBank инвестирует в центры обработки данных?', '402_ru'],
  ])('finds the article that answers "%s"', async (question, id) => {
    const answer = await engine.ask(question);
    expect(answer.abstained).toBe(false);
    expect(answer.passages[0]!.source.id).toBe(id);
  });
});
