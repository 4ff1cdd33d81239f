/**
 * Subnet task specs and the registry of the ones webtensor ships. A netuid is bound to a spec by
 * its id (configuration or chain metadata), never hard-coded here.
 * Pure: no DOM, no Node APIs, no I/O.
 */
import { digitsSubnet } from './digits/spec.ts';
import type { TaskSpec } from './types.ts';

export type * from './types.ts';
export { BATCH_DIM } from './types.ts';
export { expectedDims, outputsProblem, pinProblem, rejected, tensorProblem, type DimBindings } from './contract.ts';
export { deriveSeed, Rng, seedBytes, type Seed } from './rng.ts';
export { sha256, sha256Hex } from './sha256.ts';
export { DIGITS_CONTRACT, DIGITS_INPUT, DIGITS_OUTPUT } from './digits/contract.ts';
export { DEFAULT_STYLE, generateDigits, IMAGE_SIZE, NUM_CLASSES, type DigitsBatch, type DigitStyleRanges } from './digits/generator.ts';
export type { DigitsModelEntry, DigitsModelManifest, DigitsTierName } from './digits/manifest-types.ts';
export { DIGITS_MODEL_MANIFEST } from './digits/models.ts';
export { digitsScoreFrom, PROB_FLOOR, ROW_SUM_TOLERANCE, scoreDigits, type DigitsMetrics } from './digits/score.ts';
export { DIGITS_MODELS, DIGITS_SUBNET_ID, digitsModel, digitsSubnet, type DigitsChallenge, type DigitsSecret } from './digits/spec.ts';

/** Every subnet spec webtensor ships. */
export const SUBNETS: readonly TaskSpec[] = [digitsSubnet];

export function getSubnet(id: string): TaskSpec | undefined {
  return SUBNETS.find((s) => s.id === id);
}
