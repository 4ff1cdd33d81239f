/**
 * Plain data types of the chain layer. Everything here is JSON-friendly except balances, which are
 * `bigint` rao (1 TAO = 1e9 rao) because u64 balances do not fit a JS number exactly.
 */

/** One neuron (uid) of a subnet as the chain stores it. u16 fields are the raw chain values. */
export interface NeuronInfo {
  uid: number;
  hotkey: string;
  coldkey: string;
  /** Total stake of the hotkey in rao (pre-dTAO: `TotalHotkeyStake`; dTAO: `TotalHotkeyAlpha` on the subnet). */
  stake: bigint;
  validatorPermit: boolean;
  /** Block of the neuron's last weights (or its registration block when it never set any). */
  lastUpdate: number;
  blockAtRegistration: number;
  active: boolean;
  /** u16 fixed-point values written by the last epoch (65535 = 1.0). */
  rank: number;
  trust: number;
  consensus: number;
  incentive: number;
  dividends: number;
  validatorTrust: number;
  pruningScore: number;
  /** Emission of the last epoch, rao. */
  emission: bigint;
  /** Sparse weights row `[[uid, u16], ...]` as set on chain. */
  weights: Array<[number, number]>;
  /** Sparse bonds row `[[uid, u16], ...]` as stored by the last epoch. */
  bonds: Array<[number, number]>;
}

/**
 * Subnet hyperparameters. Fields the connected runtime does not have are `undefined`
 * (for example liquid alpha, bonds penalty and Yuma3 exist only in newer runtimes).
 */
export interface Hyperparameters {
  tempo: number;
  kappa: number;
  rho?: number;
  /** Parts per million (900000 = 0.9). */
  bondsMovingAverage: number;
  activityCutoff: number;
  maxAllowedValidators: number;
  maxAllowedUids?: number;
  immunityPeriod?: number;
  minAllowedWeights?: number;
  maxWeightsLimit?: number;
  weightsVersionKey: bigint;
  weightsSetRateLimit?: bigint;
  commitRevealWeightsEnabled?: boolean;
  commitRevealWeightsInterval?: bigint;
  registrationAllowed?: boolean;
  maxRegistrationsPerBlock?: number;
  targetRegistrationsPerInterval?: number;
  burn?: bigint;
  emissionValue?: bigint;
  /** Newer runtimes only. */
  bondsPenalty?: number;
  liquidAlphaEnabled?: boolean;
  alphaLow?: number;
  alphaHigh?: number;
  alphaSigmoidSteepness?: number;
  yuma3Enabled?: boolean;
}

/** A subnet's metagraph read at one block. */
export interface Metagraph {
  netuid: number;
  /** Number and hash of the block whose state was read. */
  block: number;
  blockHash: string;
  n: number;
  neurons: NeuronInfo[];
  hyperparameters: Hyperparameters;
  /** Block at which the subnet's epoch (mechanism step) last ran; 0 when it never ran. */
  lastEpochBlock: number;
}

/** Input of `webtensor yuma` (the Yuma CLI contract in README.md / DESIGN.md). */
export interface YumaSnapshotJson {
  variant: 'yuma2' | 'yuma3';
  block: number;
  params: YumaParamsJson;
  neurons: Array<{
    uid: number;
    stake: number;
    lastUpdate: number;
    registeredAt: number;
    validatorPermit: boolean;
  }>;
  weights: Record<string, Array<[number, number]>>;
  bonds: Record<string, Array<[number, number]>>;
}

export interface YumaParamsJson {
  kappa?: number;
  bondsMovingAverage?: number;
  bondsPenalty?: number;
  liquidAlphaEnabled?: boolean;
  alphaLow?: number;
  alphaHigh?: number;
  alphaSigmoidSteepness?: number;
  activityCutoff?: number;
  maxAllowedValidators?: number;
}

/** Output of `webtensor yuma`. */
export interface YumaResultJson {
  consensus: number[];
  incentive: number[];
  dividends: number[];
  validatorTrust: number[];
  bonds: Record<string, Array<[number, number]>>;
  validatorPermit: boolean[];
  serverEmissionShare: number[];
  validatorEmissionShare: number[];
}

/** One event of an included extrinsic, decoded to plain data. */
export interface ChainEvent {
  section: string;
  method: string;
  /** `section.method`, e.g. `subtensorModule.NeuronRegistered`. */
  name: string;
  data: unknown[];
}

/** Outcome of an extrinsic that was included and dispatched successfully. */
export interface TxOutcome {
  txHash: string;
  blockHash: string;
  blockNumber: number;
  status: 'inBlock' | 'finalized';
  events: ChainEvent[];
}
