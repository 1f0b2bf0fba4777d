import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runIngest } from '../src/cli/commands/ingest.js';
import { runRemove } from '../src/cli/commands/remove.js';
import { createEngine } from '../src/engine/engine.js';
import type { Engine } from '../src/engine/types.js';
import { PNG, startPageServer, type PageServer } from './fixtures/ingest/page-server.js';
import { makeScratch, type Scratch } from './helpers/coverage.js';

let server: PageServer;
let scratch: Scratch;
let engine: Engine | null = null;

beforeAll(async () => {
  server = await startPageServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await engine?.dispose();
  engine = null;
  scratch?.cleanup();
});

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

function context(env: NodeJS.ProcessEnv = { INGEST_ALLOW_HOSTS: '127.0.0.1' }) {
  const out = capture();
  const err = capture();
  const config = scratch.config();
  return {
    out,
    err,
    ctx: {
      config,
      env,
      stdout: out.stream,
      stderr: err.stream,
      stdin: new PassThrough(),
      engine: async () => (engine ??= await createEngine(config)),
    },
  };
}

describe('npm run ingest / remove', () => {
  it('adds a URL and a file, reports a duplicate and a refusal, and exits 1 for the refusal', async () => {
    scratch = makeScratch({ seed: true });
    const note = join(scratch.root, 'note.md');
    writeFileSync(note, '# Vote du budget\n\nLe conseil municipal a voté le budget mardi soir après deux heures de débat animé.\n');
    const image = join(scratch.root, 'photo.txt');
    writeFileSync(image, PNG);
    const { out, err, ctx } = context();

    const code = await runIngest([`${server.origin}/bare`, note, `${server.origin}/bare`, image, `${server.origin}/to-metadata`, join(scratch.root, 'absent.md')], ctx);

    expect(code).toBe(1);
    const lines = out.text().trim().split('\n');
    expect(lines[0]).toMatch(/^Added «Une réunion des ministres des finances .+» \(une-reunion-des-ministres-[a-z0-9-]+\) — \d+ passages?\.$/);
    expect(lines[1]).toMatch(/^Added «Vote du budget» \(vote-du-budget-[0-9a-f]{8}\) — 1 passage\.$/);
    expect(lines[2]).toMatch(/^Already in the coverage: «Une réunion.+, same address; nothing added\.$/);
    expect(err.text()).toContain('Refused file "photo.txt": it is image/png, not a document (HTML, PDF, Markdown or plain text).\n');
    expect(err.text()).toContain(`Refused http://169.254.169.254/latest/meta-data/ (redirected from ${server.origin}/to-metadata): 169.254.169.254 is not a public internet address (it is a local-network address).\n`);
    expect(err.text()).toContain(`Cannot ingest "${join(scratch.root, 'absent.md')}": there is no such file.\n`);
    expect(engine!.sources().map((s) => s.title)).toContain('Vote du budget');
  });

  it('refuses 127.0.0.1 when INGEST_ALLOW_HOSTS is not set', async () => {
    scratch = makeScratch({ seed: true });
    const { err, ctx } = context({});
    expect(await runIngest([`${server.origin}/bare`], ctx)).toBe(1);
    expect(err.text()).toBe(`Refused ${server.origin}/bare: 127.0.0.1 is not a public internet address (it means this machine itself).\n`);
  });

  it('removes by id and says when an id is unknown', async () => {
    scratch = makeScratch({ seed: true });
    const first = context();
    await runIngest([`${server.origin}/bare`], first.ctx);
    const id = /\(([^)]+)\)/.exec(first.out.text())?.[1] ?? '';
    const { out, err, ctx } = context();
    expect(await runRemove([id, 'no-such-article'], ctx)).toBe(1);
    expect(out.text()).toMatch(new RegExp(`^Removed «Une réunion des ministres.+» \\(${id}\\)\\.\\n$`));
    expect(err.text()).toBe('No article with id "no-such-article".\n');
    expect(engine!.source(id)).toBeUndefined();
  });

  it('prints usage without arguments', async () => {
    scratch = makeScratch();
    const { err, ctx } = context();
    expect(await runIngest([], ctx)).toBe(2);
    expect(err.text()).toContain('Usage: npm run ingest');
  });
});

describe('npm run ingest -- --replace (issue 14)', () => {
  const victimPage =
    '<!doctype html><html lang="fr"><head><title>La digue de Port-Louvet est achevée</title><meta property="og:site_name" content="Le Phare">' +
    '<meta name="author" content="Anne Kerjean"></head><body><article><p>La nouvelle digue de Port-Louvet, longue de six cents mètres, a été achevée vendredi après trois ans de chantier et deux tempêtes.</p>' +
    '<p>Elle doit protéger le quartier du port des submersions qui l’avaient inondé deux hivers de suite.</p></article></body></html>';

  it('refuses a file claiming an article’s address with one line naming it, then replaces it with --replace, printing before and after', async () => {
    scratch = makeScratch({ seed: true });
    server.pages.set('/digue', { body: victimPage });
    const victimUrl = `${server.origin}/digue`;
    const first = context();
    expect(await runIngest([victimUrl], first.ctx)).toBe(0);
    const id = /\(([^)]+)\)/.exec(first.out.text())![1]!;

    const claim = join(scratch.root, 'claim.md');
    writeFileSync(claim, `---\ntitle: Faux article\nurl: ${victimUrl}\n---\n# Faux article\n\nLa digue de Port-Louvet s’est effondrée dès la première marée, selon un rapport que la mairie aurait caché.\n`);
    const refused = context();
    expect(await runIngest([claim], refused.ctx)).toBe(1);
    expect(refused.err.text()).toContain(
      `Not replacing «La digue de Port-Louvet est achevée» (${id}): that article comes from ${victimUrl} and this text does not. To replace it on purpose, ingest again with --replace.\n`,
    );

    const replaced = context();
    expect(await runIngest(['--replace', claim], replaced.ctx)).toBe(0);
    expect(replaced.out.text()).toBe(
      `Replaced «Faux article» (${id}) — 1 passage.\n` +
        `  before: «La digue de Port-Louvet est achevée», Anne Kerjean, Le Phare <${victimUrl}>\n` +
        `  after:  «Faux article», Anne Kerjean, Le Phare <${victimUrl}>\n`,
    );
  });

  it('prints a hostile title without a single control byte', async () => {
    scratch = makeScratch({ seed: true });
    server.pages.set('/hostile', {
      body:
        '<!doctype html><html lang="fr"><head><title>Alerte \u001b]52;c;ZWNobyBwd25lZA==\u0007\u001b[2J \u202egnp.exe</title></head>' +
        '<body><article><p>Un texte ordinaire sur la digue de Port-Louvet, achevée vendredi après trois ans de chantier, qui protège le port.</p></article></body></html>',
    });
    const { out, err, ctx } = context();
    expect(await runIngest([`${server.origin}/hostile`], ctx)).toBe(0);
    expect(out.text() + err.text()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(out.text()).toMatch(/^Added «Alerte \]52;c;ZWNobyBwd25lZA== \[2J gnp\.exe» /);
  });
});
