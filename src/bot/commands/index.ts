import * as ask from './ask.js';
import * as channels from './channels.js';
import type { Command } from './command.js';
import * as ingest from './ingest.js';
import * as reindex from './reindex.js';
import * as remove from './remove.js';
import * as source from './source.js';
import * as sources from './sources.js';
import * as stats from './stats.js';

export type { Command } from './command.js';

/** Every slash command, used by the bot to dispatch and by deploy-commands to register. */
export const commands: readonly Command[] = [ask, sources, source, reindex, ingest, remove, stats, channels];

export const commandsByName: ReadonlyMap<string, Command> = new Map(commands.map((c) => [c.data.name, c]));
