import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// What an operator's two README commands run: compiled JavaScript on a supported Node.
const ROOT = resolve(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('package scripts', () => {
  it('starts the bot and the CLI from dist/, which npm install builds', () => {
    expect(manifest.scripts.prepare).toBe('npm run build');
    // start.js re-executes once with huge pages for the index load, then runs main.js (test/huge-pages-launch.test.ts).
    expect(manifest.scripts.start).toBe('node dist/bot/start.js');
    for (const command of ['ask', 'index', 'eval', 'ingest', 'remove']) {
      expect(manifest.scripts[command]).toBe(`node dist/cli/start.js ${command}`);
    }
    for (const entry of ['bot/start.js', 'bot/main.js', 'cli/start.js', 'cli/main.js']) expect(existsSync(join(ROOT, 'dist', entry))).toBe(true);
  });

  it('keeps tsx and the second transformers.js runtime out of production dependencies', () => {
    expect(manifest.dependencies).not.toHaveProperty('tsx');
    expect(manifest.dependencies).not.toHaveProperty('@huggingface/transformers');
    expect(manifest.devDependencies).toHaveProperty('@huggingface/transformers');
    expect(manifest.dependencies).toHaveProperty('@xenova/transformers');
  });

  it('requires Node 22 or newer and names 24 for version managers', () => {
    expect(manifest.engines.node).toBe('>=22');
    expect(readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim()).toBe('24');
  });
});
