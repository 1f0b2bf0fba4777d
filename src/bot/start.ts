/**
 * `npm start`'s entry: huge pages for the index load (see launch/huge-pages.ts), then the bot.
 * Kept apart from main.ts so the re-exec happens before the bot's imports are parsed (≈ 1.5 CPU-s).
 */
import { relaunchWithHugePages } from '../launch/huge-pages.js';

relaunchWithHugePages();
await import('./main.js');
