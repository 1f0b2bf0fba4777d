import { access, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedStamp, writeBertModel } from '../../scripts/model/bert-onnx.js';
import { TINY_PRESET } from '../../scripts/model/presets.js';

/** Model id of the generated test model (a folder under TINY_MODEL_DIR). */
export const TINY_MODEL_ID = TINY_PRESET.id;

/** Models folder holding the test model; pass it as `modelDir`. */
export const TINY_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../.tmp/models');

/** Generates the tiny model unless an identical one is already there. Returns its folder. */
export async function ensureTinyModel(): Promise<string> {
  const dir = join(TINY_MODEL_DIR, TINY_MODEL_ID);
  if (await isCurrent(dir)) return dir;
  try {
    await writeBertModel(dir, TINY_PRESET.options);
  } catch (err) {
    // Another test run may have written it at the same moment.
    if (!(await isCurrent(dir))) throw err;
  }
  return dir;
}

async function isCurrent(dir: string): Promise<boolean> {
  try {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { depeche_generated?: unknown };
    await access(join(dir, 'onnx/model_quantized.onnx'));
    await access(join(dir, 'onnx/model.onnx'));
    return JSON.stringify(config.depeche_generated) === JSON.stringify(generatedStamp(TINY_PRESET.options));
  } catch {
    return false;
  }
}
