/** Relative trust in each retriever when both run (weights of the reciprocal rank fusion). */
export interface FusionWeights {
  lexical: number;
  dense: number;
}

/**
 * For models without a calibration the dense side only breaks ties and orders what lexical
 * search did not find: its largest contribution, w/(60+1), stays below the smallest gap between
 * two lexical ranks within the search depth of 50, 1/109 − 1/110 ≈ 8.3e-5, so it never
 * reorders lexical hits. Measured with the generated tiny model: any weight ≥ 0.1 lowered PIAF
 * hit@1 (0.75 → 0.60 at 0.1, 0.35 at 1), because under RRF the top lexical ranks sit so close
 * together that a weak dense list reshuffles them.
 */
export const TIE_BREAK_WEIGHTS: FusionWeights = { lexical: 1, dense: 0.001 };

const BY_MODEL: Record<string, FusionWeights> = {
  // The project's default model: equal trust, as usual for RRF. Not measured on these machines
  // (the model cannot be downloaded here); re-run `npm run eval` with it and adjust.
  'Xenova/multilingual-e5-small': { lexical: 1, dense: 1 },
};

/**
 * Fusion weights for the model the index was built with.
 * @example fusionWeightsFor('depeche/tiny-bert') // TIE_BREAK_WEIGHTS
 */
export function fusionWeightsFor(modelId: string | null): FusionWeights {
  return (modelId && BY_MODEL[modelId]) || TIE_BREAK_WEIGHTS;
}
