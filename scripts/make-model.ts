import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeBertModel } from './model/bert-onnx.js';
import { PRESETS } from './model/presets.js';

// Generates a BERT model with random weights in transformers.js local layout, since no
// trained model can be downloaded here. Usage:
//   tsx scripts/make-model.ts [--preset tiny|full] [--out DIR]
// writes DIR/<model id>/… (default DIR: models/); point MODEL_DIR at DIR to use it.

const USAGE = 'Usage: tsx scripts/make-model.ts [--preset tiny|full] [--out DIR]';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { preset: { type: 'string', default: 'tiny' }, out: { type: 'string', default: 'models' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const preset = PRESETS[values.preset];
  if (!preset) throw new Error(`Unknown preset "${values.preset}". Must be one of [${Object.keys(PRESETS).join(', ')}]. ${USAGE}`);

  const started = Date.now();
  const dir = resolve(values.out, preset.id);
  const written = await writeBertModel(dir, preset.options);
  const { layers, hidden, heads, intermediate } = preset.options;
  console.log(`Wrote ${preset.id} (${layers} layers, hidden ${hidden}, ${heads} heads, FFN ${intermediate}, vocab ${written.vocabSize}) to ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  for (const [file, bytes] of Object.entries(written.files)) console.log(`  ${file.padEnd(28)} ${formatBytes(bytes)}`);
  console.log(`Use it with MODEL_DIR=${resolve(values.out)} MODEL=${preset.id}`);
}

function formatBytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} KB`;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
