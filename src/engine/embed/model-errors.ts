/**
 * The embedding model could not be loaded (hub unreachable, unknown model, missing or
 * corrupt files). The message is one line, says why and what to set; safe to show.
 */
export class ModelUnavailableError extends Error {
  readonly model: string;
  constructor(model: string, reason: string) {
    super(
      `Model "${model}" could not be loaded: ${oneLine(reason)}. ` +
        `Set MODEL_DIR to a folder containing ${model}, or run "npm run make-model" for the test model.`,
    );
    this.name = 'ModelUnavailableError';
    this.model = model;
  }
}

/** First line of `text`, whitespace collapsed, without a trailing period. */
export function oneLine(text: string): string {
  const first = text.split('\n').find((line) => line.trim().length > 0) ?? 'unknown error';
  return first.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}
