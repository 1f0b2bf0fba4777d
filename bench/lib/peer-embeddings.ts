import { HuggingFaceTransformersEmbeddings } from '@langchain/community/embeddings/huggingface_transformers';
import type { ModelChoice } from './model-choice.js';

/**
 * The peer's embeddings class on the chosen model, set up the way a developer would point
 * @huggingface/transformers at a local folder or a cache.
 */
export async function createPeerEmbeddings(choice: ModelChoice): Promise<HuggingFaceTransformersEmbeddings> {
  // Loaded here, not at module load, so the peer's build time includes it as it always has.
  const { env } = await import('@huggingface/transformers');
  if (choice.modelDir) {
    env.localModelPath = choice.modelDir;
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
  }
  if (choice.cacheDir) env.cacheDir = choice.cacheDir;
  // int8 weights like Dépêche (transformers.js 3 would pick the float32 file on CPU otherwise);
  // `dtype` is a model option LangChain passes through untyped.
  const pretrainedOptions = { dtype: 'q8' } as Record<string, unknown>;
  return new HuggingFaceTransformersEmbeddings({ model: choice.model, pretrainedOptions });
}
