/**
 * The npm scripts' CLI entry (`npm run ask …`): huge pages for the index load (see
 * launch/huge-pages.ts), then the command. Apart from main.ts so the re-exec happens before the
 * CLI's imports are parsed.
 */
import { relaunchWithHugePages } from '../launch/huge-pages.js';

relaunchWithHugePages();
const { runFromCommandLine } = await import('./main.js');
runFromCommandLine();
