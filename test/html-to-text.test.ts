import { describe, expect, it } from 'vitest';
import { htmlToText } from '../src/engine/ingest/html-to-text.js';

const body = 'Le conseil municipal a voté mardi le budget des écoles, après trois heures de débat. '.repeat(6);

describe('the boilerplate pass of htmlToText', () => {
  it('drops navigation, hidden and site-wide blocks, and keeps the header inside the article', () => {
    const text = htmlToText(`<html><body>
      <header><p>Le Quotidien — accueil</p></header>
      <div role="banner">Bannière du site</div>
      <nav>Politique Sport Culture</nav>
      <div aria-hidden="true">Texte caché</div>
      <p hidden>Aussi caché</p>
      <article><header><h2>Le budget des écoles adopté</h2></header><p>${body}</p></article>
      <div class="newsletter-signup">Inscrivez-vous à la lettre</div>
    </body></html>`);
    expect(text).toContain('Le budget des écoles adopté');
    expect(text).toContain('Le conseil municipal a voté mardi');
    for (const gone of ['accueil', 'Bannière', 'Politique Sport', 'caché', 'Inscrivez-vous']) expect(text).not.toContain(gone);
  });

  it('clears thousands of nested boilerplate blocks around an article', () => {
    const chain = '<div class="share">Partager '.repeat(190) + 'fin' + '</div>'.repeat(190);
    const text = htmlToText(`<html><body><article><p>${body}</p></article>${chain.repeat(60)}</body></html>`);
    expect(text).toContain('Le conseil municipal a voté mardi');
    expect(text).not.toContain('Partager');
  });

  it('keeps a block with a boilerplate-looking class when it holds most of the text', () => {
    const text = htmlToText(`<html><body><div class="related-content"><p>${body}</p></div><nav>Menu</nav></body></html>`);
    expect(text).toContain('Le conseil municipal a voté mardi');
    expect(text).not.toContain('Menu');
  });
});
