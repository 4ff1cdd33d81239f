/**
 * Scoring of the digits subnet. Pure: no DOM, no Node APIs.
 *
 * From a miner's `probs` [B, 10] and the validator's labels:
 * - accuracy `acc`: share of rows whose largest probability is the true digit (ties: lowest index);
 * - mean log-likelihood `ll`: mean over rows of ln(max(p[true], 1e-6)), in [ln 1e-6, 0].
 * Each is turned into a skill that is 0 at chance and 1 when perfect:
 *   accSkill = clamp((acc - 0.1) / 0.9, 0, 1)
 *   llSkill  = clamp(1 - ll / ln(0.1), 0, 1)      (uniform output: ll = ln 0.1 -> 0; p[true] = 1 -> 1)
 * and the score is their geometric mean, sqrt(accSkill * llSkill), in [0, 1]. A model at chance
 * scores 0 (uniform output gives llSkill = 0; confident guessing gives ll far below ln 0.1), and
 * a model must be both accurate and calibrated to score high (log-likelihood is a proper scoring
 * rule, so reporting honest probabilities is the best strategy).
 *
 * Malformed outputs score 0 with a reason: a missing or extra-shaped `probs`, a wrong dtype,
 * non-finite values, probabilities outside [0, 1], or a row whose sum is off 1 by more than 1e-3.
 */
import { outputsProblem, rejected } from '../contract.ts';
import { BATCH_DIM, type ScoreResult, type TensorData } from '../types.ts';
import { DIGITS_CONTRACT, DIGITS_OUTPUT } from './contract.ts';
import { NUM_CLASSES } from './generator.ts';

export const PROB_FLOOR = 1e-6;
export const ROW_SUM_TOLERANCE = 1e-3;
/** Slack for float32 rounding when checking p <= 1. */
const PROB_SLACK = 1e-5;
const LN_CHANCE = Math.log(1 / NUM_CLASSES);

export interface DigitsMetrics {
  accuracy: number;
  meanLogLikelihood: number;
  accuracySkill: number;
  logLikelihoodSkill: number;
  score: number;
}

/** The score from accuracy and mean log-likelihood (see the module comment). */
export function digitsScoreFrom(accuracy: number, meanLogLikelihood: number): DigitsMetrics {
  const clamp = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
  const accuracySkill = clamp((accuracy - 1 / NUM_CLASSES) / (1 - 1 / NUM_CLASSES));
  const logLikelihoodSkill = clamp(1 - meanLogLikelihood / LN_CHANCE);
  return { accuracy, meanLogLikelihood, accuracySkill, logLikelihoodSkill, score: Math.sqrt(accuracySkill * logLikelihoodSkill) };
}

/** Why `probs` (already shape-checked, finite) is not a batch of distributions, or null. */
function distributionProblem(probs: Float32Array, batch: number): string | null {
  for (let r = 0; r < batch; r++) {
    let sum = 0;
    for (let k = 0; k < NUM_CLASSES; k++) {
      const p = probs[r * NUM_CLASSES + k];
      if (p < 0) return `row ${r}: negative probability ${p} for class ${k}`;
      if (p > 1 + PROB_SLACK) return `row ${r}: probability ${p} > 1 for class ${k}`;
      sum += p;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) return `row ${r}: probabilities sum to ${sum}, not 1 (outputs must be softmax probabilities, not logits)`;
  }
  return null;
}

/** Scores `outputs` against `labels` (see the module comment). Never throws. */
export function scoreDigits(labels: Uint8Array, outputs: Record<string, TensorData>): ScoreResult {
  const batch = labels.length;
  if (batch === 0) return rejected('empty challenge');
  const problem = outputsProblem(DIGITS_CONTRACT, outputs, { [BATCH_DIM]: batch });
  if (problem) return rejected(problem);
  const probs = outputs[DIGITS_OUTPUT].data as Float32Array;
  const bad = distributionProblem(probs, batch);
  if (bad) return rejected(bad);

  let correct = 0;
  let ll = 0;
  for (let r = 0; r < batch; r++) {
    const row = r * NUM_CLASSES;
    let arg = 0;
    for (let k = 1; k < NUM_CLASSES; k++) if (probs[row + k] > probs[row + arg]) arg = k;
    if (arg === labels[r]) correct++;
    ll += Math.log(Math.max(probs[row + labels[r]], PROB_FLOOR));
  }
  const m = digitsScoreFrom(correct / batch, ll / batch);
  return { score: m.score, ok: true, metrics: { ...m, batch } };
}
