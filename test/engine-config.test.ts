import { describe, expect, it } from 'vitest';
import { ConfigError, loadEngineConfig } from '../src/config.js';

describe('engine configuration: EMBED_RUNTIME', () => {
  it('defaults to the @xenova/transformers runtime, also when left blank', () => {
    expect(loadEngineConfig({}).embedRuntime).toBe('xenova');
    expect(loadEngineConfig({ EMBED_RUNTIME: '' }).embedRuntime).toBe('xenova');
  });

  it('selects @huggingface/transformers', () => {
    expect(loadEngineConfig({ EMBED_RUNTIME: 'huggingface' }).embedRuntime).toBe('huggingface');
  });

  it('rejects an unknown runtime with a one-line message naming the variable', () => {
    expect(() => loadEngineConfig({ EMBED_RUNTIME: 'onnx' })).toThrow(ConfigError);
    expect(() => loadEngineConfig({ EMBED_RUNTIME: 'onnx' })).toThrow(/^Invalid configuration: EMBED_RUNTIME: .*"xenova"\|"huggingface"/);
  });
});

describe('engine configuration: EMBED_WORKERS', () => {
  it('leaves the thread count to the machine unless set, and refuses a count that is not a small positive number', () => {
    expect(loadEngineConfig({}).embedWorkers).toBeUndefined();
    expect(loadEngineConfig({ EMBED_WORKERS: '2' }).embedWorkers).toBe(2);
    expect(() => loadEngineConfig({ EMBED_WORKERS: '0' })).toThrow(/^Invalid configuration: EMBED_WORKERS: /);
    expect(() => loadEngineConfig({ EMBED_WORKERS: 'many' })).toThrow(/^Invalid configuration: EMBED_WORKERS: /);
  });
});
