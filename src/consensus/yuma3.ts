/**
 * yuma3 — Yuma Consensus as current subtensor runs it on a subnet with Yuma3 on (per-bond EMA,
 * bonds penalty, optional liquid alpha).
 *
 * Mirrors `Pallet::epoch_mechanism` (the sparse epoch; `epoch()` calls it) with `Yuma3On` true, of
 *   opentensor/subtensor `pallets/subtensor/src/epoch/run_epoch.rs` @ 39e773d984ec3f2505791dd3cd3ff92c80d87198
 * with the math of
 *   opentensor/subtensor `pallets/subtensor/src/epoch/math.rs`     @ 54ee20bc00705532acff57d96b09d7755c0a5886
 *
 * What differs from yuma2: validator permits go to the top-k *non-zero* stake; the weights used for
 * bonds interpolate between raw and clipped weights by the bonds penalty; bonds are per
 * validator–miner proportions in [0, 1] (stored as floor(b · 65535), not column max-upscaled) that
 * move towards the weights by an EMA — the fixed `1 − bondsMovingAverage` or, with liquid alpha,
 * a per-bond rate from `alpha_sigmoid` between alphaLow and alphaHigh; dividends are the
 * column-normalised bonds × incentive, times the validator's active stake.
 *
 * Inputs the snapshot does not carry, and what stands in for them (documented deviations):
 * - the subnet owner's self-weight exception (`mask_diag_sparse_except_index`): every self-weight
 *   is masked;
 * - the stake threshold filter (`get_stake_threshold`): threshold 0;
 * - commit-reveal masking of weights towards neurons registered after the commit: not applied;
 * - the bonds mask "registered since the last tempo" (`scalar_vec_mask_sparse_matrix` with
 *   `current_block − tempo <= registered`) needs the tempo; bonds are masked with the same outdated
 *   rule as weights (`last_update_i <= registered_j`, what subtensor applied to bonds before the tempo
 *   mask), so a validator's bonds to a re-registered uid restart once it has set fresh weights.
 * Bond rows of neurons without a new permit end up empty, as `EpochTerms::bond` defaults to `[]`.
 *
 * Each step below carries the name of the Rust statement it mirrors. Arithmetic is float64
 * (subtensor: I32F32); the I32F32 cuts that show in stored u16 values are reproduced (see math.ts).
 */
import { borrowMatrix, borrowU8Scratch, minOver, gatherRows, releaseMatrices, scatterRows, selectRows } from './dense.ts';
import {
  byRecentRegistration,
  colClipRowSumMatmul,
  colNormalizedRowDots,
  loadMaskedRows,
  rowNormalizeMatmul,
  yuma3BondsEma,
} from './fused.ts';
import type { EpochResult } from './epoch.ts';
import {
  alphaSigmoid,
  inplaceMaskVector,
  inplaceNormalize,
  inplaceNormalize64,
  inplaceNormalizeUsingSum,
  interpolate,
  isTopkNonzero,
  isZero,
  sum,
  truncateToI32F32,
  U16_MAX,
  vecdiv,
  vecMul,
  weightedMedianCol,
  type Matrix,
} from './math.ts';
import type { EpochParams, Snapshot, SparseRow } from './snapshot.ts';

export function yuma3(snapshot: Snapshot): EpochResult {
  const { n, params } = snapshot;

  // ======================
  // == Active & updated ==
  // ======================

  // let current_block = Self::get_current_block_as_u64();
  const currentBlock = snapshot.block;
  // let activity_cutoff = Self::get_activity_cutoff(netuid) as u64;
  const activityCutoff = params.activityCutoff;
  // let last_update = Self::get_last_update(netuid_index);
  const lastUpdate = snapshot.lastUpdate;
  // let inactive = last_update.map(|updated| updated.saturating_add(activity_cutoff) < current_block);
  const inactive = new Uint8Array(n);
  for (let i = 0; i < n; i++) inactive[i] = lastUpdate[i] + activityCutoff < currentBlock ? 1 : 0;
  // let active = inactive.map(|&b| !b);
  const active = inactive.map((b) => 1 - b);
  // let block_at_registration = Self::get_block_at_registration(netuid);
  const blockAtRegistration = snapshot.registeredAt;

  // ===========
  // == Stake ==
  // ===========

  // let (total_stake, ..) = Self::get_stake_weights_for_network(netuid); filtered by min stake (0 here)
  // inplace_normalize_64(&mut filtered_stake); let stake = vec_fixed64_to_fixed32(filtered_stake);
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
  // let new_validator_permits = is_topk_nonzero(&stake, max_allowed_validators as usize);
  const newValidatorPermits = isTopkNonzero(stake, maxAllowedValidators);

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

  // Liquid alpha walks the sparse rows: it needs to know which weight entries exist.
  const weightPresent = params.liquidAlphaEnabled ? borrowU8Scratch(V * n) : undefined;

  // =============
  // == Weights ==
  // =============

  // let mut weights = Self::get_weights_sparse(netuid_index);      (u16 read as I32F32, unnormalised)
  // weights = mask_rows_sparse(&validator_forbids, &weights);
  // weights = mask_diag_sparse(&weights);                           (no owner exception; see header)
  // weights = vec_mask_sparse_matrix(&weights, &last_update, &block_at_registration, |u, r| u <= r);
  const weights = borrowMatrix(V, n);
  const weightRowSums = loadMaskedRows(
    weights, snapshot.weights, rowUids, validatorPermits, true, lastUpdate, blockAtRegistration, recent, weightPresent,
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
  // let bonds_penalty = Self::get_float_bonds_penalty(netuid);      (bonds_penalty / u16::MAX)
  const bondsPenalty = truncateToI32F32(params.bondsPenalty / U16_MAX);
  // compute_bonds_sparse's rate: 1 − bonds_moving_average, or per bond with liquid alpha
  const alpha = bondsEmaAlpha(params, consensus);
  // rows whose bonds are stored (new permit), quantised while the EMA is computed
  const store = new Uint8Array(V);
  for (let r = 0; r < V; r++) store[r] = newValidatorPermits[rowUids[r]];
  const emaBonds = borrowMatrix(V, n, false);

  // let clipped_weights = col_clip_sparse(&weights, &consensus);
  // let validator_trust = row_sum_sparse(&clipped_weights);
  // let mut ranks = matmul_sparse(&clipped_weights, &active_stake, n);
  // let weights_for_bonds = interpolate_sparse(&weights, &clipped_weights, n, bonds_penalty);
  // if Yuma3On:
  // let mut bonds = Self::get_bonds_sparse_fixed_proportion(netuid_index);   (u16 / u16::MAX)
  // bonds = scalar_vec_mask_sparse_matrix(&bonds, last_tempo, &block_at_registration, ..);
  //   → outdated mask instead (no tempo in the snapshot; see header)
  // ema_bonds = Self::compute_bonds_sparse(netuid_index, &weights_for_bonds, &bonds, &consensus);
  const clippedWeights = borrowMatrix(V, n, false);
  const clipped = colClipRowSumMatmul(weights, consensus, rowActiveStake, clippedWeights);
  // (which entries the sparse weights_for_bonds will hold; only liquid alpha looks)
  const bondsPresent = weightPresent && weightsForBondsPresence(weightPresent, weights, consensus, bondsPenalty);
  // penalty 1 → the clipped weights, 0 → the weights, else interpolated into the weights' buffer
  const weightsForBonds =
    bondsPenalty === 1 ? clippedWeights : bondsPenalty === 0 ? weights : interpolate(weights, clippedWeights, bondsPenalty, weights);
  if (bondsPresent && bondsPenalty !== 0 && bondsPenalty !== 1) {
    for (let t = 0; t < bondsPresent.length; t++) bondsPresent[t] = weightsForBonds.data[t] > 0 ? 1 : 0;
  }
  //   (the EMA goes to a second buffer; rows that keep a permit are quantised on the way)
  const ema = yuma3BondsEma(
    weightsForBonds, snapshot.bonds, rowUids, lastUpdate, blockAtRegistration, recent, alpha, bondsPresent, store, emaBonds,
  );
  const validatorTrust = scatterRows(clipped.rowSums, rowUids, n);
  const ranks = clipped.ranks;

  // =============================
  // == Ranks, Trust, Incentive ==
  // =============================

  // let trust = vecdiv(&ranks, &preranks);
  const trust = vecdiv(ranks, preranks);
  // inplace_normalize(&mut ranks);
  inplaceNormalize(ranks);
  // let incentive = ranks.clone();
  const incentive = ranks.slice();

  // =========================
  // == Bonds and Dividends ==
  // =========================

  // let mut ema_bonds_norm = ema_bonds.clone(); inplace_col_normalize_sparse(&mut ema_bonds_norm, n);
  // let total_bonds_per_validator = row_sum_sparse(&mat_vec_mul_sparse(&ema_bonds_norm, &incentive));
  const totalBondsPerValidator = scatterRows(colNormalizedRowDots(emaBonds, ema.colSums, incentive), rowUids, n);
  // dividends = vec_mul(&total_bonds_per_validator, &active_stake);
  const dividends = vecMul(totalBondsPerValidator, activeStake);
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

  // ===========================
  // == Populate epoch output ==
  // ===========================

  // if new_validator_permit { terms.bond = ema_bond as fixed_proportion_to_u16 }
  // else if old permit { terms.bond = [] } — and `bond` defaults to [] for everyone else.
  const storedBonds = new Map<number, SparseRow>();
  for (let r = 0; r < V; r++) if (store[r]) storedBonds.set(rowUids[r], ema.stored[r]!);
  releaseMatrices(weights, clippedWeights, emaBonds);

  return {
    variant: 'yuma3',
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

/**
 * The EMA rate of `compute_bonds_sparse`: with liquid alpha on and some non-zero consensus, a
 * function giving each bond its `alpha_sigmoid(consensus_j, w_ij, b_ij, alpha_low, alpha_high,
 * steepness)` (`compute_liquid_alpha_values_sparse`, with `get_alpha_values_32` = u16 / u16::MAX);
 * otherwise the fixed 1 − bonds_moving_average (`compute_disabled_liquid_alpha`).
 */
export function bondsEmaAlpha(
  params: Readonly<EpochParams>,
  consensus: Float64Array,
): number | ((j: number, w: number, b: number) => number) {
  if (params.liquidAlphaEnabled && consensus.some((c) => c !== 0)) {
    const alphaLow = truncateToI32F32(params.alphaLow / U16_MAX);
    const alphaHigh = truncateToI32F32(params.alphaHigh / U16_MAX);
    const steepness = params.alphaSigmoidSteepness;
    const sigmoid = alphaSigmoid; // local alias: no module-binding lookup per entry
    return (j, w, b) => sigmoid(consensus[j], w, b, alphaLow, alphaHigh, steepness);
  }
  return 1 - truncateToI32F32(params.bondsMovingAverage / 1_000_000);
}

/**
 * Which entries the sparse `weights_for_bonds` rows hold (only liquid alpha cares):
 * `interpolate_sparse` returns the weights themselves at penalty 0 and the clipped weights at
 * penalty 1, where `col_clip_sparse` drops an entry whose consensus is 0 and whose weight is
 * positive. Between the two only positive interpolations are kept (the caller fills that case in
 * once the interpolation is known).
 */
function weightsForBondsPresence(
  weightPresent: Uint8Array,
  weights: Matrix,
  consensus: Float64Array,
  bondsPenalty: number,
): Uint8Array {
  if (bondsPenalty !== 1) return weightPresent;
  const { rows, cols, data } = weights;
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) {
      const t = base + j;
      if (weightPresent[t] && !(consensus[j] > 0) && data[t] > 0) weightPresent[t] = 0; // updated in place
    }
  }
  return weightPresent;
}
