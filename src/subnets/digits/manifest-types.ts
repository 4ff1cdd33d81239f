/** Shape of models/digits/manifest.json (and of its TypeScript copy, models.ts). Pure. */
import type { ModelContract, PinnedModel } from '../types.ts';

export type DigitsTierName = 'garbage' | 'linear' | 'mlp' | 'cnn';

export interface DigitsModelEntry extends PinnedModel {
  tier: DigitsTierName;
  /** Layer list as the training script built it. */
  architecture: string;
  opset: number;
  /** Generated images seen in training (0 for the untrained garbage model). */
  trainSamples: number;
  /** Measured with onnxruntime-node on the manifest's evaluation challenges. */
  eval: { accuracy: number; meanLogLikelihood: number; score: number };
}

export interface DigitsModelManifest {
  subnet: string;
  generator: string;
  contract: ModelContract;
  evaluation: { seed: string; count: number; runtime: string };
  /** Worst first. */
  models: DigitsModelEntry[];
}
