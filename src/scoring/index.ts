/**
 * How a validator turns answers into weights: the per-answer score (quality with a small latency
 * term), the per-uid moving average, the u16 weight vector for set_weights, and the choice of
 * which miners to challenge in a round. Pure: no DOM, no Node APIs, no I/O.
 */
import type { Rng } from '../subnets/rng.ts';

export interface ScoringPolicy {
  /** Weight of a new round's score in the moving average (bittensor's template uses 0.1). */
  emaAlpha: number;
  /** Share of the score that latency can take away: answers at the deadline keep (1 - latencyWeight). */
  latencyWeight: number;
}

export const DEFAULT_SCORING: Readonly<ScoringPolicy> = { emaAlpha: 0.1, latencyWeight: 0.1 };

export const U16_MAX = 0xffff;

/**
 * The score of one answer in [0, 1]: its quality (from the subnet's scoring or verification),
 * lowered by at most `latencyWeight` as the round trip approaches the deadline. Non-finite or
 * out-of-range qualities count as 0.
 */
export function answerScore(quality: number, roundTripMs: number, budgetMs: number, latencyWeight: number): number {
  if (!Number.isFinite(quality) || quality <= 0) return 0;
  const q = Math.min(quality, 1);
  const lateness = budgetMs > 0 ? Math.min(Math.max(roundTripMs / budgetMs, 0), 1) : 1;
  return q * (1 - latencyWeight * lateness);
}

/** The moving average after one more sample; a uid never scored before starts from 0. */
export function emaUpdate(previous: number | undefined, sample: number, alpha: number): number {
  return alpha * sample + (1 - alpha) * (previous ?? 0);
}

export interface WeightVector {
  /** Strictly increasing u16 uids. */
  uids: number[];
  /** u16 weights, the largest 65535 (as bittensor's convert_weights_and_uids_for_emit). */
  weights: number[];
}

/**
 * The weights a validator sets from its scores: scaled so the best uid gets 65535, rounded, and
 * zeros left out. Negative or non-finite scores count as 0. No positive score → empty vector.
 */
export function weightsFromScores(scores: ReadonlyMap<number, number>): WeightVector {
  const entries = [...scores]
    .filter(([uid]) => Number.isInteger(uid) && uid >= 0 && uid <= U16_MAX)
    .map(([uid, s]) => [uid, Number.isFinite(s) && s > 0 ? s : 0] as const)
    .sort((a, b) => a[0] - b[0]);
  const max = entries.reduce((m, [, s]) => Math.max(m, s), 0);
  const uids: number[] = [];
  const weights: number[] = [];
  if (max <= 0) return { uids, weights };
  for (const [uid, s] of entries) {
    const w = Math.round((s / max) * U16_MAX);
    if (w > 0) {
      uids.push(uid);
      weights.push(w);
    }
  }
  return { uids, weights };
}

/** Up to `k` distinct items chosen uniformly at random (partial Fisher–Yates), in chosen order. */
export function sample<T>(rng: Rng, items: readonly T[], k: number): T[] {
  const pool = [...items];
  const n = Math.min(Math.max(0, Math.floor(k)), pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
}
