import { ensureTinyModel } from './helpers/tiny-model.js';

// Every test file may load the generated tiny model; make it once per run (~0.2 s).
export default async function setup(): Promise<void> {
  await ensureTinyModel();
}
