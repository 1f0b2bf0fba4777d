import { ensureBuilt } from './helpers/build.js';
import { ensureTinyModel } from './helpers/tiny-model.js';

// Every test file may load the generated tiny model; make it once per run (~0.2 s).
// Tests that spawn `npm start` or the CLI run dist/: compile it once if src/ changed since.
export default async function setup(): Promise<void> {
  await ensureTinyModel();
  ensureBuilt();
}
