import { pino, type Logger } from 'pino';
import sonicBoom from 'sonic-boom';

// sonic-boom is CommonJS: at run time its class is the default export, its types name it SonicBoom.
type SonicBoom = import('sonic-boom').SonicBoom;
const SonicBoom = sonicBoom as unknown as typeof import('sonic-boom').SonicBoom;

export type { Logger } from 'pino';

/** JSON logs on stdout. Any field named like a token is redacted, wherever it hides. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    name: 'depeche-bot',
    level,
    redact: { paths: ['token', '*.token', 'config.token', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
  };
  return pino(options, (destination ?? stdoutStream()) as any);
}

let stdout: SonicBoom | null = null;

/**
 * stdout written asynchronously (the event loop never waits for a slow log reader) and without
 * pino's exit hook: that hook flushes synchronously, and sonic-boom's synchronous flush retries a
 * failed write forever, so a bot whose log reader is gone (`npm start | pino-pretty`, Ctrl-C)
 * never exited. A broken pipe silences the logs instead; exit goes on.
 */
function stdoutStream(): SonicBoom {
  if (stdout) return stdout;
  const stream = new SonicBoom({ fd: 1, sync: false });
  stream.on('error', () => silence(stream));
  stdout = stream;
  return stream;
}

function silence(stream: SonicBoom): void {
  stream.write = () => true;
  stream.end = () => undefined;
  stream.flushSync = () => undefined;
}

/**
 * Writes out what is still buffered for stdout, waiting at most `timeoutMs`; call before
 * `process.exit`. Never throws, never waits longer, whatever became of the reader.
 */
export async function flushLogs(timeoutMs = 1000): Promise<void> {
  const stream = stdout;
  if (!stream || (stream as { destroyed?: boolean }).destroyed) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    stream.once('close', done);
    stream.once('error', done);
    try {
      stream.end();
    } catch {
      done();
    }
  });
  silence(stream);
}
