// Written by scripts/train-answer-line.ts (trained on piaf/dev-questions.jsonl@a, L2 0.01); do not edit by hand: run the script.
// Weights in the order of PICK_FEATURES (pick-answer.ts), on features centred by `mean` and divided by `scale`.
import type { LineConfidence } from './pick-answer.js';

export const LINE_CONFIDENCE: LineConfidence = {
  mean: [1.0826, 0.3823, 0.6887, 0.5069, 0.3889, 0.0417, 0.9897, 0.5521, 0.1458, 0.1239, 0.7829, 0.8619],
  scale: [0.3694, 0.303, 0.2265, 0.5, 0.4875, 0.1998, 0.0607, 0.2831, 0.2191, 0.2103, 0.1338, 0.1164],
  weights: [0.5859, 0.6999, -0.2207, 0.1188, -0.0097, -0.28, 0.5704, -0.3065, -0.2476, -0.0169, -0.0042, 0.1376],
  bias: 0.9695,
  threshold: 0.1,
};
