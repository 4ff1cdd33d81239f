/**
 * Subnet task specs: what a subnet's models take and return, how validators make challenges and
 * how they score answers. A spec is netuid-independent (the chain binds a netuid to a spec id).
 * Pure: no DOM, no Node APIs, no I/O — browser miners, the relay and validators import it alike.
 *
 * Two kinds:
 * - `compete`: miners choose their own model; validators make challenges from a secret seed,
 *   keep the answers (`secret`) and score quality. Better models earn more.
 * - `serve`: every miner runs the subnet's canonical model (pinned by sha256); validators recompute
 *   a random sample of answers with the same model and compare within a tolerance.
 */
import type { Seed } from './rng.ts';

/** Element types a contract may name (the ones onnxruntime-web and -node both run). */
export type TensorDType = 'float32' | 'int32' | 'int64' | 'uint8';
export type TensorArray = Float32Array | Int32Array | BigInt64Array | Uint8Array;

/** A tensor on the wire or at the engine boundary (same shape as src/workers/engine.ts TensorData). */
export interface TensorData {
  dtype: TensorDType;
  dims: number[];
  data: TensorArray;
}

/** The free leading dimension of every contract tensor. */
export const BATCH_DIM = 'batch';

/** One input or output: a name, a dtype and a shape whose string dims are free (first: 'batch'). */
export interface TensorSpec {
  name: string;
  dtype: TensorDType;
  shape: (number | string)[];
}

export interface ModelContract {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/** A model file pinned by content; loaders must refuse bytes whose sha256 differs. */
export interface PinnedModel {
  /** Stable id within its subnet (e.g. 'cnn'). */
  id: string;
  /** Path relative to the repository root (also the path the PWA serves it under). */
  file: string;
  /** Lower-case hex SHA-256 of the file. */
  sha256: string;
  bytes: number;
  params: number;
  description: string;
}

/** A challenge as the validator holds it: `inputs` go to the miner, `secret` never leaves. */
export interface Challenge<Secret> {
  batch: number;
  inputs: Record<string, TensorData>;
  secret: Secret;
}

/**
 * The outcome of scoring one answer. `score` is in [0, 1]; malformed answers score 0 with `ok`
 * false and a `reason` a person can act on. `metrics` holds the figures the score came from.
 */
export interface ScoreResult {
  score: number;
  ok: boolean;
  reason?: string;
  metrics: Record<string, number>;
}

interface TaskSpecBase {
  /** Stable, netuid-independent id, e.g. 'digits-v1'. Bump the suffix when scoring or data change. */
  id: string;
  name: string;
  description: string;
  contract: ModelContract;
  batch: { default: number; max: number };
}

export interface CompeteTaskSpec<Secret = unknown> extends TaskSpecBase {
  kind: 'compete';
  /** A fresh challenge of `batch` items from a secret seed (deterministic in seed and batch). */
  makeChallenge(seed: Seed, batch?: number): Challenge<Secret>;
  /** Scores a miner's outputs for `challenge`; never throws on malformed outputs. */
  score(challenge: Challenge<Secret>, outputs: Record<string, TensorData>): ScoreResult;
  /** Models of known quality made by the project (best last), pinned by hash. */
  referenceModels: readonly PinnedModel[];
}

export interface ServeTaskSpec extends TaskSpecBase {
  kind: 'serve';
  /** The one model every miner runs. */
  canonicalModel: PinnedModel;
  /** Inputs to send (the validator recomputes a sample itself; nothing is secret). */
  makeChallenge(seed: Seed, batch?: number): Challenge<null>;
  /** Compares a miner's outputs with the validator's own run of the canonical model. */
  verify(challenge: Challenge<null>, outputs: Record<string, TensorData>, reference: Record<string, TensorData>): ScoreResult;
}

export type TaskSpec = CompeteTaskSpec | ServeTaskSpec;
