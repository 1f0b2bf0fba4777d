import { config as loadDotenv } from 'dotenv';
import { ConfigError, loadBotConfig } from './config.js';
import { registerCommands } from './register-commands.js';

/** `npm run deploy-commands`: registers the slash commands with Discord. */
loadDotenv({ quiet: true });
try {
  const config = loadBotConfig(process.env);
  const { count, scope } = await registerCommands(config);
  console.log(`Registered ${count} commands (${scope}).`);
} catch (error) {
  const message = error instanceof ConfigError ? error.message : `Discord refused the commands: ${(error as Error).message}`;
  console.error(`deploy-commands: ${message}`);
  process.exitCode = 1;
}
