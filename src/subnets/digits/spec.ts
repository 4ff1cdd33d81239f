/**
 * The digits compete subnet: miners bring any model that maps 28x28 grayscale digit images to
 * class probabilities; validators generate never-seen digits from a secret seed and score the
 * answers against labels only they know. Pure: no DOM, no Node APIs.
 */
import type { Seed } from '../rng.ts';
import type { Challenge, CompeteTaskSpec, PinnedModel, ScoreResult, TensorData } from '../types.ts';
import { DIGITS_CONTRACT, DIGITS_INPUT } from './contract.ts';
import { generateDigits, IMAGE_SIZE } from './generator.ts';
import type { DigitsModelEntry, DigitsTierName } from './manifest-types.ts';
import { DIGITS_MODEL_MANIFEST } from './models.ts';
import { scoreDigits } from './score.ts';

export const DIGITS_SUBNET_ID = 'digits-v1';
export const DIGITS_DEFAULT_BATCH = 64;
export const DIGITS_MAX_BATCH = 1024;

/** What the validator keeps to itself. */
export interface DigitsSecret {
  labels: Uint8Array;
}

export type DigitsChallenge = Challenge<DigitsSecret>;

/** The project's reference models, worst first, pinned by sha256 (from models/digits/manifest.json). */
export const DIGITS_MODELS: readonly DigitsModelEntry[] = DIGITS_MODEL_MANIFEST.models;

export function digitsModel(tier: DigitsTierName): DigitsModelEntry {
  const found = DIGITS_MODELS.find((m) => m.tier === tier);
  if (!found) throw new Error(`no digits model "${tier}" in the manifest`);
  return found;
}

export const digitsSubnet: CompeteTaskSpec<DigitsSecret> = {
  id: DIGITS_SUBNET_ID,
  kind: 'compete',
  name: 'Digits',
  description:
    'Classify procedurally generated 28x28 handwritten-like digits (never seen before: drawn from a secret seed). ' +
    'Score: geometric mean of accuracy and log-likelihood skill, 0 at chance, 1 when perfect.',
  contract: DIGITS_CONTRACT,
  batch: { default: DIGITS_DEFAULT_BATCH, max: DIGITS_MAX_BATCH },

  makeChallenge(seed: Seed, batch: number = DIGITS_DEFAULT_BATCH): DigitsChallenge {
    if (!Number.isInteger(batch) || batch < 1 || batch > DIGITS_MAX_BATCH) {
      throw new RangeError(`digits batch must be an integer in [1, ${DIGITS_MAX_BATCH}], got ${batch}`);
    }
    const { inputs, labels } = generateDigits(seed, batch);
    const image: TensorData = { dtype: 'float32', dims: [batch, 1, IMAGE_SIZE, IMAGE_SIZE], data: inputs };
    return { batch, inputs: { [DIGITS_INPUT]: image }, secret: { labels } };
  },

  score(challenge: DigitsChallenge, outputs: Record<string, TensorData>): ScoreResult {
    return scoreDigits(challenge.secret.labels, outputs);
  },

  referenceModels: DIGITS_MODELS.map(
    (m): PinnedModel => ({ id: m.id, file: m.file, sha256: m.sha256, bytes: m.bytes, params: m.params, description: m.description }),
  ),
};
