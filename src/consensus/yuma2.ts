/**
 * yuma2 — the legacy Yuma Consensus epoch, as the subtensor runtime **spec_version 185** (mid-2024,
 * pre-dTAO; the runtime in ../shared/chain/subtensor-localnet-spec185.json) runs it.
 *
 * Mirrors `Pallet::epoch` (the sparse epoch the chain runs in its block step) of
 *   opentensor/subtensor `pallets/subtensor/src/epoch.rs` @ ea8902157c266a3e8ba12fd755636298d379867e
 * with the math of
 *   opentensor/subtensor `pallets/subtensor/src/math.rs`  @ d4a1afbf5d2108314bd0cc051b7e2e973de33764
 * — the last version of `epoch.rs` before the code moved to `epoch/run_epoch.rs` and gained liquid
 * alpha. The runtime WASM in the spec confirms it: its symbol table has `pallet_subtensor::epoch`
 * with `math::{weighted_median_col_sparse, col_clip_sparse, mat_ema_sparse,
 * inplace_col_max_upscale_sparse, vec_mask_sparse_matrix, is_topk, …}` and no liquid-alpha
 * functions; its metadata has no `LiquidAlphaOn`/`AlphaValues`/`BondsPenalty` storage.
 *
 * What this epoch is: stake-weighted median consensus at kappa, weights clipped at consensus,
 * incentive = normalised clipped rank, bonds = EMA (fixed moving average) of the column-normalised
 * stake-weighted clipped weights, column-normalised again; dividends from bonds × incentive; bonds
 * stored column max-upscaled in u16. No bonds penalty, no liquid alpha (those params are ignored).
 *
 * Each step below carries the name of the Rust statement it mirrors. Arithmetic is float64
 * (subtensor: I32F32); the I32F32 cuts that show in stored u16 values are reproduced (see math.ts,
 * fused.ts).
 *
 * Verified against the real spec-185 runtime under chopsticks: several hundred random epochs
 * (n = 10..48, kappa 1..65535, bonds moving average 1..1e6, activity cutoff, 2..64 permits) matched
 * bit-exactly in every stored u16 (consensus, incentive, dividends, trust, validator trust, permits,
 * bonds); six recorded epochs are replayed in tests/consensus/spec185.test.ts.
 */
import { borrowMatrix, minOver, EMPTY_ROW, gatherRows, releaseMatrices, scatterRows, selectRows, withoutZeros } from './dense.ts';
import {
  byRecentRegistration,
  colClipRowSumMatmul,
  legacyBondsEma,
  legacyDividendsAndStorage,
  loadMaskedRows,
  rowNormalizeMatmul,
} from './fused.ts';
import type { EpochResult } from './epoch.ts';
import {
  inplaceMaskVector,
  inplaceNormalize,
  inplaceNormalize64,
  inplaceNormalizeUsingSum,
  isTopk,
  isZero,
  sum,
  truncateToI32F32,
  U16_MAX,
  vecdiv,
  weightedMedianCol,
} from './math.ts';
import type { Snapshot, SparseRow } from './snapshot.ts';

export function yuma2(snapshot: Snapshot): EpochResult {
  const { n, params } = snapshot;

  // ======================
  // == Active & updated ==
  // ======================

  // let current_block = Self::get_current_block_as_u64();
  const currentBlock = snapshot.block;
  // let activity_cutoff = Self::get_activity_cutoff(netuid) as u64;
  const activityCutoff = params.activityCutoff;
  // let last_update = Self::get_last_update(netuid);
  const lastUpdate = snapshot.lastUpdate;
  // let inactive = last_update.map(|updated| *updated + activity_cutoff < current_block);
  const inactive = new Uint8Array(n);
  for (let i = 0; i < n; i++) inactive[i] = lastUpdate[i] + activityCutoff < currentBlock ? 1 : 0;
  // let active = inactive.map(|&b| !b);
  const active = inactive.map((b) => 1 - b);
  // let block_at_registration = Self::get_block_at_registration(netuid);
  const blockAtRegistration = snapshot.registeredAt;

  // ===========
  // == Stake ==
  // ===========

  // inplace_normalize_64(&mut stake_64); let stake = vec_fixed64_to_fixed32(stake_64);
  const stake = Float64Array.from(snapshot.stake);
  inplaceNormalize64(stake);
  for (let i = 0; i < n; i++) stake[i] = truncateToI32F32(stake[i]);

  // =======================
  // == Validator permits ==
  // =======================

  // let validator_permits = Self::get_validator_permit(netuid);
  const validatorPermits = snapshot.validatorPermit;
  // let validator_forbids = validator_permits.map(|&b| !b);
  const validatorForbids = validatorPermits.map((p) => 1 - p);
  // let max_allowed_validators = Self::get_max_allowed_validators(netuid);
  const maxAllowedValidators = params.maxAllowedValidators;
  // let new_validator_permits = is_topk(&stake, max_allowed_validators as usize);
  const newValidatorPermits = isTopk(stake, maxAllowedValidators);

  // ==================
  // == Active Stake ==
  // ==================

  // let mut active_stake = stake.clone();
  const activeStake = stake.slice();
  // inplace_mask_vector(&inactive, &mut active_stake);
  inplaceMaskVector(inactive, activeStake);
  // inplace_mask_vector(&validator_forbids, &mut active_stake);
  inplaceMaskVector(validatorForbids, activeStake);
  // inplace_normalize(&mut active_stake);
  inplaceNormalize(activeStake);

  // Dense rows: every neuron with a permit before or after this epoch, or with stored bonds.
  const rowUids = selectRows(n, validatorPermits, newValidatorPermits, snapshot.bonds);
  const V = rowUids.length;
  const rowActiveStake = gatherRows(activeStake, rowUids);
  const recent = byRecentRegistration(blockAtRegistration, minOver(lastUpdate, rowUids));

  // =============
  // == Weights ==
  // =============

  // let mut weights = Self::get_weights_sparse(netuid);            (u16 read as I32F32, unnormalised)
  // weights = mask_rows_sparse(&validator_forbids, &weights);
  // weights = mask_diag_sparse(&weights);
  // weights = vec_mask_sparse_matrix(&weights, &last_update, &block_at_registration, |u, r| u <= r);
  const weights = borrowMatrix(V, n);
  const weightRowSums = loadMaskedRows(
    weights, snapshot.weights, rowUids, validatorPermits, true, lastUpdate, blockAtRegistration, recent,
  );
  // inplace_row_normalize_sparse(&mut weights);
  // ================================
  // == Consensus, Validator Trust ==
  // ================================
  // let preranks = matmul_sparse(&weights, &active_stake, n);
  const { preranks, colMin, colMax } = rowNormalizeMatmul(weights, weightRowSums, rowActiveStake);
  // let kappa = Self::get_float_kappa(netuid);                      (kappa / u16::MAX)
  const kappa = truncateToI32F32(params.kappa / U16_MAX);
  // let consensus = weighted_median_col_sparse(&active_stake, &weights, n, kappa);
  const consensus = weightedMedianCol(rowActiveStake, weights, kappa, colMin, colMax);
  // weights = col_clip_sparse(&weights, &consensus);               (spec 185 overwrites the weights)
  // let validator_trust = row_sum_sparse(&weights);
  // =============================
  // == Ranks, Trust, Incentive ==
  // =============================
  // let mut ranks = matmul_sparse(&weights, &active_stake, n);
  const clipped = colClipRowSumMatmul(weights, consensus, rowActiveStake, weights);
  const validatorTrust = scatterRows(clipped.rowSums, rowUids, n);
  const ranks = clipped.ranks;
  // let trust = vecdiv(&ranks, &preranks);
  const trust = vecdiv(ranks, preranks);
  // (ΔB's column sums are these unnormalised ranks: Σ_i w_ij · s_i in the same order)
  const deltaColSums = ranks.slice();
  // inplace_normalize(&mut ranks);
  inplaceNormalize(ranks);
  // let incentive = ranks.clone();
  const incentive = ranks.slice();

  // =========================
  // == Bonds and Dividends ==
  // =========================

  // let bonds_moving_average = I64F64(get_bonds_moving_average) / I64F64(1_000_000);
  // let alpha = I32F32::from_num(1) - I32F32::from_num(bonds_moving_average);
  const alpha = 1 - truncateToI32F32(params.bondsMovingAverage / 1_000_000);
  // let mut bonds = Self::get_bonds_sparse(netuid);                 (u16 read as I32F32)
  // bonds = vec_mask_sparse_matrix(&bonds, &last_update, &block_at_registration, |u, r| u <= r);
  // inplace_col_normalize_sparse(&mut bonds, n);
  // let mut bonds_delta = row_hadamard_sparse(&weights, &active_stake);   (clipped weights)
  // inplace_col_normalize_sparse(&mut bonds_delta, n);
  // let mut ema_bonds = mat_ema_sparse(&bonds_delta, &bonds, alpha);
  //   (read from the stored rows; the EMA goes to a second buffer)
  const emaBonds = borrowMatrix(V, n, false);
  const ema = legacyBondsEma(weights, rowActiveStake, deltaColSums, snapshot.bonds, rowUids, lastUpdate, blockAtRegistration, recent, alpha, emaBonds);
  // inplace_col_normalize_sparse(&mut ema_bonds, n);
  // let mut dividends = matmul_transpose_sparse(&ema_bonds, &incentive);
  //   (with, for the rows that keep a permit, the storage below: inplace_col_max_upscale_sparse
  //   and fixed_proportion_to_u16)
  const store = new Uint8Array(V);
  for (let r = 0; r < V; r++) store[r] = newValidatorPermits[rowUids[r]];
  const normalized = legacyDividendsAndStorage(emaBonds, ema.colSums, ema.colMax, incentive, store);
  const dividends = scatterRows(normalized.rowDots, rowUids, n);
  // inplace_normalize(&mut dividends);
  inplaceNormalize(dividends);

  // =================================
  // == Emission and Pruning scores ==
  // =================================

  // let combined_emission = incentive + dividends;
  const combinedEmission = new Float64Array(n);
  for (let i = 0; i < n; i++) combinedEmission[i] = incentive[i] + dividends[i];
  // let emission_sum = combined_emission.iter().sum();
  const emissionSum = sum(combinedEmission);
  // normalized_server_emission = incentive; normalized_validator_emission = dividends; ...
  const normalizedServerEmission = incentive.slice();
  let normalizedValidatorEmission = dividends.slice();
  let normalizedCombinedEmission = combinedEmission.slice();
  // inplace_normalize_using_sum(&mut normalized_server_emission, emission_sum); (and validator)
  inplaceNormalizeUsingSum(normalizedServerEmission, emissionSum);
  inplaceNormalizeUsingSum(normalizedValidatorEmission, emissionSum);
  // inplace_normalize(&mut normalized_combined_emission);
  inplaceNormalize(normalizedCombinedEmission);
  // if emission_sum == 0 { emission ∝ active stake, or stake when no stake is active }
  if (emissionSum === 0) {
    const fallback = isZero(activeStake) ? stake : activeStake;
    normalizedValidatorEmission = fallback.slice();
    normalizedCombinedEmission = fallback.slice();
  }

  // ===================
  // == Value storage ==
  // ===================

  // inplace_col_max_upscale_sparse(&mut ema_bonds, n);            (done with the dividends above)
  // for i in 0..n: new permit → Bonds = ema_bonds[i] as u16; else if old permit → Bonds = [];
  //               else the stored row is left untouched.
  const storedBonds = new Map<number, SparseRow>();
  for (let r = 0; r < V; r++) {
    const uid = rowUids[r];
    if (newValidatorPermits[uid]) storedBonds.set(uid, normalized.stored[r]!);
    else if (validatorPermits[uid]) storedBonds.set(uid, EMPTY_ROW);
    else {
      const untouched = snapshot.bonds.get(uid);
      if (untouched !== undefined) storedBonds.set(uid, withoutZeros(untouched));
    }
  }
  releaseMatrices(weights, emaBonds);

  return {
    variant: 'yuma2',
    n,
    stake,
    activeStake,
    active,
    rank: ranks,
    trust,
    consensus,
    incentive,
    dividends,
    validatorTrust,
    serverEmissionShare: normalizedServerEmission,
    validatorEmissionShare: normalizedValidatorEmission,
    combinedEmissionShare: normalizedCombinedEmission,
    validatorPermit: newValidatorPermits,
    bonds: storedBonds,
  };
}
