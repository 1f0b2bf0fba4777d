export interface TextPrefixes {
  query: string;
  passage: string;
}

const NONE: TextPrefixes = { query: '', passage: '' };

/**
 * Some models were trained with a marker in front of each text and embed poorly
 * without it. Keyed on the model id, since config.json does not say.
 * Example: prefixesFor('Xenova/multilingual-e5-small') → { query: 'query: ', passage: 'passage: ' }.
 */
export function prefixesFor(modelId: string): TextPrefixes {
  // E5 (intfloat and its Xenova exports): "query: " / "passage: ", even for non-English text.
  if (/\be5\b/i.test(modelId)) return { query: 'query: ', passage: 'passage: ' };
  return NONE;
}
