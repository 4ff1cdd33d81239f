/**
 * Subtensor client over `@polkadot/api`, shared by the validator, the CLI and the PWA (no Node
 * APIs). Reads a subnet's metagraph and hyperparameters, and sends the extrinsics webtensor needs.
 *
 * Call shapes are taken from the runtime metadata, never from a spec version: every call is built
 * by matching its metadata argument names (`hotkey`, `netuid`, `amountStaked`, ...) to named values,
 * so `add_stake(hotkey, amount)` (pre-dTAO) and `add_stake(hotkey, netuid, amount)` (dTAO) are both
 * served by one `client.addStake(coldkey, hotkey, netuid, amount)`; likewise `register_network()`
 * vs `register_network(hotkey)`.
 */
import { ApiPromise, WsProvider } from '@polkadot/api';
import type { ApiDecoration, SubmittableExtrinsic } from '@polkadot/api/types';
import type { Codec } from '@polkadot/types/types';
import { u8aToHex } from '@polkadot/util';
import { decodeAddress } from '@polkadot/util-crypto';
import { ChainTxError, submitTx, type SubmitOptions, type TxSigner } from './tx.ts';
import type { ChainEvent, Hyperparameters, Metagraph, NeuronInfo, TxOutcome } from './types.ts';

/** Produces blocks on a dev chain (chopsticks manual mode). Returns the new head's hash. */
export type BlockProducer = (count: number) => Promise<unknown>;

export interface ConnectOptions {
  /** Build blocks after submitting (chopsticks `Manual` mode): e.g. `(n) => provider.send('dev_newBlock', [{ count: n }])`. */
  blockProducer?: BlockProducer;
  /** Default timeout for one extrinsic. Default 60 s. */
  txTimeoutMs?: number;
  /** Timeout for the first connection. Default 30 s. */
  connectTimeoutMs?: number;
}

type Query = ApiDecoration<'promise'>['query'] | ApiPromise['query'];
type AnyStorage = ((...args: unknown[]) => Promise<Codec>) & {
  multi: (args: unknown[]) => Promise<Codec[]>;
  entries: (...args: unknown[]) => Promise<Array<[{ args: Codec[] }, Codec]>>;
};

const U16_MAX = 65535;

/** Converts a codec holding an unsigned integer to a JS number (throws when unsafe). */
function num(value: Codec): number {
  const n = Number(BigInt(value.toString()));
  if (!Number.isSafeInteger(n)) throw new Error(`value ${value.toString()} does not fit a JS number`);
  return n;
}
function big(value: Codec): bigint {
  return BigInt(value.toString());
}
function bool(value: Codec): boolean {
  return value.toJSON() === true;
}
function pairs(value: Codec): Array<[number, number]> {
  const json = value.toJSON() as Array<[number, number]> | null;
  return (json ?? []).map(([a, b]) => [Number(a), Number(b)]);
}
function vec<T>(value: Codec | undefined, map: (x: unknown) => T): T[] {
  const json = value?.toJSON() as unknown[] | null | undefined;
  return (json ?? []).map(map);
}

/**
 * The blocks until a subnet's next epoch, as the runtime computes it in `blocks_until_next_epoch`:
 * `tempo - (block + netuid + 1) % (tempo + 1)`. The epoch runs in the `on_initialize` of the block
 * for which this is 0, i.e. when `(block + netuid + 1) % (tempo + 1) == tempo`. Tempo 0 never runs.
 */
export function blocksUntilNextEpoch(netuid: number, tempo: number, block: number): number {
  if (tempo === 0) return Number.POSITIVE_INFINITY;
  return tempo - ((block + netuid + 1) % (tempo + 1));
}

/** The first block strictly after `afterBlock` whose `on_initialize` runs the subnet's epoch. */
export function nextEpochBlock(netuid: number, tempo: number, afterBlock: number): number {
  if (tempo === 0) return Number.POSITIVE_INFINITY;
  const b = afterBlock + 1;
  return b + blocksUntilNextEpoch(netuid, tempo, b);
}

/** Maps metadata argument names to aliases callers may use. */
const ARG_ALIASES: Record<string, string[]> = {
  amountStaked: ['amount'],
  amountUnstaked: ['amount'],
  dests: ['uids'],
  weights: ['values'],
  versionKey: ['weightsVersionKey'],
};

export class SubtensorClient {
  readonly api: ApiPromise;
  readonly blockProducer?: BlockProducer;
  readonly txTimeoutMs: number;
  readonly #ownsApi: boolean;
  /** Next nonce per account (public key hex), so several extrinsics of one signer can share a block. */
  readonly #nonces = new Map<string, number>();

  private constructor(api: ApiPromise, ownsApi: boolean, options: ConnectOptions) {
    this.api = api;
    this.#ownsApi = ownsApi;
    this.blockProducer = options.blockProducer;
    this.txTimeoutMs = options.txTimeoutMs ?? 60_000;
  }

  /** Connects to a WebSocket endpoint (`ws://127.0.0.1:9945`), or wraps an existing `ApiPromise`. */
  static async connect(endpoint: string | ApiPromise, options: ConnectOptions = {}): Promise<SubtensorClient> {
    if (typeof endpoint !== 'string') {
      await endpoint.isReady;
      return new SubtensorClient(endpoint, false, options);
    }
    const provider = new WsProvider(endpoint, 1_000);
    const timeoutMs = options.connectTimeoutMs ?? 30_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const api = await Promise.race([
        ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: false }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`cannot connect to ${endpoint} within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return new SubtensorClient(api, true, options);
    } catch (error) {
      await provider.disconnect().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async disconnect(): Promise<void> {
    if (this.#ownsApi) await this.api.disconnect();
  }

  // ---------------------------------------------------------------------------------------------
  // Reading
  // ---------------------------------------------------------------------------------------------

  /** `api.query` at a block hash (or at the head). */
  async queryAt(blockHash?: string): Promise<Query> {
    return blockHash ? (await this.api.at(blockHash)).query : this.api.query;
  }

  #storage(query: Query, name: string): AnyStorage | undefined {
    const pallet = (query as unknown as Record<string, Record<string, AnyStorage> | undefined>).subtensorModule;
    return pallet?.[name];
  }

  #need(query: Query, name: string): AnyStorage {
    const storage = this.#storage(query, name);
    if (!storage) throw new Error(`this runtime has no SubtensorModule storage "${name}"`);
    return storage;
  }

  /** Whether the runtime's SubtensorModule has a given call (camelCase name). */
  hasCall(name: string): boolean {
    return Boolean((this.api.tx as unknown as Record<string, Record<string, unknown> | undefined>).subtensorModule?.[name]);
  }

  async head(): Promise<{ number: number; hash: string }> {
    const header = await this.api.rpc.chain.getHeader();
    return { number: header.number.toNumber(), hash: header.hash.toHex() };
  }

  async blockHash(number: number): Promise<string> {
    return (await this.api.rpc.chain.getBlockHash(number)).toHex();
  }

  /** Netuids of existing subnets. */
  async netuids(blockHash?: string): Promise<number[]> {
    const query = await this.queryAt(blockHash);
    const entries = await this.#need(query, 'networksAdded').entries();
    return entries.filter(([, v]) => bool(v)).map(([k]) => num(k.args[0] as Codec)).sort((a, b) => a - b);
  }

  /** Block of the subnet's last epoch (`LastMechansimStepBlock`, sic), 0 when none ran yet. */
  async lastEpochBlock(netuid: number, blockHash?: string): Promise<number> {
    const query = await this.queryAt(blockHash);
    const storage = this.#storage(query, 'lastMechansimStepBlock') ?? this.#storage(query, 'lastMechanismStepBlock');
    if (!storage) throw new Error('this runtime has no LastMechansimStepBlock storage');
    return num(await storage(netuid));
  }

  /** The subnet's hyperparameters; ones this runtime lacks are left undefined. */
  async hyperparameters(netuid: number, blockHash?: string): Promise<Hyperparameters> {
    const query = await this.queryAt(blockHash);
    const read = async <T>(name: string, map: (c: Codec) => T, plain = false): Promise<T | undefined> => {
      const storage = this.#storage(query, name);
      if (!storage) return undefined;
      return map(plain ? await storage() : await storage(netuid));
    };
    const [
      tempo, kappa, rho, bondsMovingAverage, activityCutoff, maxAllowedValidators, maxAllowedUids,
      immunityPeriod, minAllowedWeights, maxWeightsLimit, weightsVersionKey, weightsSetRateLimit,
      commitRevealWeightsEnabled, commitRevealWeightsInterval, registrationAllowed,
      maxRegistrationsPerBlock, targetRegistrationsPerInterval, burn, emissionValue, bondsPenalty,
      liquidAlphaEnabled, alphaValues, alphaSigmoidSteepness, yuma3Enabled,
    ] = await Promise.all([
      read('tempo', num),
      read('kappa', num),
      read('rho', num),
      read('bondsMovingAverage', num),
      read('activityCutoff', num),
      read('maxAllowedValidators', num),
      read('maxAllowedUids', num),
      read('immunityPeriod', num),
      read('minAllowedWeights', num),
      read('maxWeightsLimit', num),
      read('weightsVersionKey', big),
      read('weightsSetRateLimit', big),
      read('commitRevealWeightsEnabled', bool),
      read('weightCommitRevealInterval', big),
      read('networkRegistrationAllowed', bool),
      read('maxRegistrationsPerBlock', num),
      read('targetRegistrationsPerInterval', num),
      read('burn', big),
      read('emissionValues', big),
      read('bondsPenalty', num),
      read('liquidAlphaOn', bool),
      read('alphaValues', (c) => c.toJSON() as [number, number]),
      read('alphaSigmoidSteepness', (c) => Number(c.toString())),
      read('yuma3On', bool),
    ]);
    if (tempo === undefined || kappa === undefined || bondsMovingAverage === undefined || activityCutoff === undefined ||
      maxAllowedValidators === undefined || weightsVersionKey === undefined) {
      throw new Error('this runtime lacks one of the core subnet hyperparameters (tempo, kappa, bondsMovingAverage, ...)');
    }
    return {
      tempo, kappa, rho, bondsMovingAverage, activityCutoff, maxAllowedValidators, maxAllowedUids, immunityPeriod,
      minAllowedWeights, maxWeightsLimit, weightsVersionKey, weightsSetRateLimit, commitRevealWeightsEnabled,
      commitRevealWeightsInterval, registrationAllowed, maxRegistrationsPerBlock, targetRegistrationsPerInterval,
      burn, emissionValue, bondsPenalty, liquidAlphaEnabled,
      alphaLow: alphaValues?.[0], alphaHigh: alphaValues?.[1], alphaSigmoidSteepness, yuma3Enabled,
    };
  }

  /** The uid of a hotkey on a subnet, or undefined when it is not registered there. */
  async uidOf(netuid: number, hotkey: string, blockHash?: string): Promise<number | undefined> {
    const query = await this.queryAt(blockHash);
    const value = await this.#need(query, 'uids')(netuid, hotkey);
    const json = value.toJSON();
    return json === null || json === undefined ? undefined : Number(json);
  }

  /**
   * Reads a subnet's whole metagraph at a block (default: the head): per uid hotkey, coldkey, stake,
   * permit, last update, registration block, the last epoch's outputs, weights and bonds rows.
   */
  async metagraph(netuid: number, blockHash?: string): Promise<Metagraph> {
    const hash = blockHash ?? (await this.api.rpc.chain.getBlockHash()).toHex();
    const header = await this.api.rpc.chain.getHeader(hash);
    const query = await this.queryAt(hash);
    const s = (name: string) => this.#need(query, name);
    // Per-subnet vectors some runtimes dropped (e.g. Rank / Trust / PruningScores in recent ones) read as empty.
    const opt = async (name: string): Promise<Codec | undefined> => {
      const storage = this.#storage(query, name);
      return storage ? storage(netuid) : undefined;
    };
    const n = num(await s('subnetworkN')(netuid));
    const uids = Array.from({ length: n }, (_, i) => i);
    const perUid = uids.map((uid) => [netuid, uid]);

    const [
      hyperparameters, lastEpochBlock, keys, blockAtRegistration, weights, bonds, rank, trust, consensus, incentive,
      dividends, validatorTrust, pruningScores, emission, lastUpdate, validatorPermit, active,
    ] = await Promise.all([
      this.hyperparameters(netuid, hash),
      this.lastEpochBlock(netuid, hash),
      s('keys').multi(perUid),
      s('blockAtRegistration').multi(perUid),
      s('weights').multi(perUid),
      s('bonds').multi(perUid),
      opt('rank'),
      opt('trust'),
      opt('consensus'),
      opt('incentive'),
      opt('dividends'),
      opt('validatorTrust'),
      opt('pruningScores'),
      opt('emission'),
      s('lastUpdate')(netuid),
      s('validatorPermit')(netuid),
      opt('active'),
    ]);
    const hotkeys = keys.map((k) => k.toString());
    const owners = await s('owner').multi(hotkeys);
    const stakes = await this.#stakes(query, netuid, hotkeys);

    const u16s = (c: Codec | undefined) => vec(c, Number);
    const rankV = u16s(rank), trustV = u16s(trust), consensusV = u16s(consensus), incentiveV = u16s(incentive);
    const dividendsV = u16s(dividends), vtrustV = u16s(validatorTrust), pruneV = u16s(pruningScores);
    const emissionV = vec(emission, (x) => BigInt(String(x)));
    const lastUpdateV = vec(lastUpdate, Number);
    const permitV = vec(validatorPermit, (x) => x === true);
    const activeV = vec(active, (x) => x === true);

    const neurons: NeuronInfo[] = uids.map((uid) => ({
      uid,
      hotkey: hotkeys[uid],
      coldkey: owners[uid].toString(),
      stake: stakes[uid],
      validatorPermit: permitV[uid] ?? false,
      lastUpdate: lastUpdateV[uid] ?? 0,
      blockAtRegistration: num(blockAtRegistration[uid]),
      active: activeV[uid] ?? true,
      rank: rankV[uid] ?? 0,
      trust: trustV[uid] ?? 0,
      consensus: consensusV[uid] ?? 0,
      incentive: incentiveV[uid] ?? 0,
      dividends: dividendsV[uid] ?? 0,
      validatorTrust: vtrustV[uid] ?? 0,
      pruningScore: pruneV[uid] ?? 0,
      emission: emissionV[uid] ?? 0n,
      weights: pairs(weights[uid]),
      bonds: pairs(bonds[uid]),
    }));
    return { netuid, block: header.number.toNumber(), blockHash: hash, n, neurons, hyperparameters, lastEpochBlock };
  }

  /** Total stake per hotkey: pre-dTAO `TotalHotkeyStake(hotkey)`, dTAO `TotalHotkeyAlpha(hotkey, netuid)`. */
  async #stakes(query: Query, netuid: number, hotkeys: string[]): Promise<bigint[]> {
    const pre = this.#storage(query, 'totalHotkeyStake');
    if (pre) return (await pre.multi(hotkeys)).map(big);
    const alpha = this.#storage(query, 'totalHotkeyAlpha');
    if (alpha) return (await alpha.multi(hotkeys.map((h) => [h, netuid]))).map(big);
    throw new Error('this runtime has neither TotalHotkeyStake nor TotalHotkeyAlpha');
  }

  /** Free balance of an account, rao. */
  async freeBalance(address: string): Promise<bigint> {
    const info = (await this.api.query.system.account(address)) as unknown as { data: { free: Codec } };
    return big(info.data.free);
  }

  // ---------------------------------------------------------------------------------------------
  // Extrinsics
  // ---------------------------------------------------------------------------------------------

  /**
   * Builds `pallet.call` from named values, in the order and with the arity that the runtime
   * metadata declares. Unknown pallets/calls or missing argument values throw.
   */
  buildCall(pallet: string, call: string, values: Record<string, unknown>): SubmittableExtrinsic<'promise'> {
    const fn = (this.api.tx as unknown as Record<string, Record<string, ((...a: unknown[]) => SubmittableExtrinsic<'promise'>) & { meta: { args: Array<{ name: Codec }> } }> | undefined>)[pallet]?.[call];
    if (!fn) throw new Error(`this runtime has no call ${pallet}.${call}`);
    const args = fn.meta.args.map((arg) => {
      const name = arg.name.toString().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      for (const key of [name, ...(ARG_ALIASES[name] ?? [])]) {
        if (key in values && values[key] !== undefined) return values[key];
      }
      throw new Error(`${pallet}.${call}: no value for argument "${name}" (the runtime's call takes ${fn.meta.args.map((a) => a.name.toString()).join(', ') || 'no arguments'})`);
    });
    return fn(...args);
  }

  /** Argument names of a call as the runtime declares them (e.g. to detect dTAO `addStake`). */
  callArgs(pallet: string, call: string): string[] {
    const fn = (this.api.tx as unknown as Record<string, Record<string, { meta: { args: Array<{ name: Codec }> } }> | undefined>)[pallet]?.[call];
    if (!fn) throw new Error(`this runtime has no call ${pallet}.${call}`);
    return fn.meta.args.map((a) => a.name.toString());
  }

  /**
   * The nonce for the next extrinsic of an account: the chain's next index, or one past the last
   * nonce this client handed out when that is higher (extrinsics still in the pool).
   */
  async nextNonce(address: string): Promise<number> {
    const key = u8aToHex(decodeAddress(address));
    const onChain = (await this.api.rpc.system.accountNextIndex(address)).toNumber();
    const nonce = Math.max(onChain, this.#nonces.get(key) ?? 0);
    this.#nonces.set(key, nonce + 1);
    return nonce;
  }

  #forgetNonce(address: string, error: unknown): void {
    // An extrinsic that never reached a block leaves a gap: ask the chain again next time.
    if (error instanceof ChainTxError && ['invalid', 'dropped', 'usurped', 'timeout', 'rpc'].includes(error.kind)) {
      this.#nonces.delete(u8aToHex(decodeAddress(address)));
    }
  }

  #submit(tx: SubmittableExtrinsic<'promise'>, signer: TxSigner, options: SubmitOptions, nonce: number): Promise<TxOutcome> {
    const outcome = submitTx(this.api, tx, signer, { timeoutMs: this.txTimeoutMs, ...options, nonce });
    outcome.catch((error: unknown) => this.#forgetNonce(signer.address, error));
    return outcome;
  }

  /** Submits one extrinsic; in manual block mode builds a block once it is in the pool. */
  async send(tx: SubmittableExtrinsic<'promise'>, signer: TxSigner, options: SubmitOptions & { produceBlock?: boolean } = {}): Promise<TxOutcome> {
    const produce = options.produceBlock ?? Boolean(this.blockProducer);
    const nonce = options.nonce ?? (await this.nextNonce(signer.address));
    return this.#submit(tx, signer, {
      ...options,
      onSubmitted: async () => {
        await options.onSubmitted?.();
        if (produce && this.blockProducer) await this.blockProducer(1);
      },
    }, nonce);
  }

  /**
   * Submits several extrinsics (nonces assigned in order per signer), then builds one block in
   * manual mode, and waits for all of them. Rejects with the first failure (after all settled);
   * `sendAllSettled` returns every outcome.
   */
  async sendAll(items: Array<{ tx: SubmittableExtrinsic<'promise'>; signer: TxSigner }>, options: Omit<SubmitOptions, 'nonce' | 'onSubmitted'> = {}): Promise<TxOutcome[]> {
    const settled = await this.sendAllSettled(items, options);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((r) => (r as PromiseFulfilledResult<TxOutcome>).value);
  }

  async sendAllSettled(items: Array<{ tx: SubmittableExtrinsic<'promise'>; signer: TxSigner }>, options: Omit<SubmitOptions, 'nonce' | 'onSubmitted'> = {}): Promise<PromiseSettledResult<TxOutcome>[]> {
    const pending: Array<Promise<TxOutcome>> = [];
    for (const { tx, signer } of items) {
      let markSubmitted!: () => void;
      const submitted = new Promise<void>((r) => (markSubmitted = r));
      const nonce = await this.nextNonce(signer.address);
      const outcome = this.#submit(tx, signer, { ...options, onSubmitted: () => markSubmitted() }, nonce);
      outcome.catch(() => markSubmitted()); // rejected before reaching the pool
      pending.push(outcome);
      await submitted;
    }
    if (this.blockProducer && items.length > 0) await this.blockProducer(1);
    return Promise.allSettled(pending);
  }

  /** `SubtensorModule.register_network`: `()` on old runtimes, `(hotkey[, mechid])` on newer ones. Returns the new netuid. */
  async registerNetwork(signer: TxSigner, options: { hotkey?: string; mechid?: number } = {}): Promise<{ netuid: number; outcome: TxOutcome }> {
    const tx = this.buildCall('subtensorModule', 'registerNetwork', { hotkey: options.hotkey ?? signer.address, mechid: options.mechid ?? 1 });
    const outcome = await this.send(tx, signer);
    const added = outcome.events.find((e) => e.section === 'subtensorModule' && e.method === 'NetworkAdded');
    if (!added) throw new Error(`registerNetwork: no NetworkAdded event in block ${outcome.blockHash}`);
    return { netuid: Number(added.data[0]), outcome };
  }

  /** `SubtensorModule.burned_register(netuid, hotkey)`, signed (and paid) by the coldkey. */
  burnedRegisterTx(netuid: number, hotkey: string): SubmittableExtrinsic<'promise'> {
    return this.buildCall('subtensorModule', 'burnedRegister', { netuid, hotkey });
  }
  async burnedRegister(coldkey: TxSigner, netuid: number, hotkey: string): Promise<TxOutcome> {
    return this.send(this.burnedRegisterTx(netuid, hotkey), coldkey);
  }

  /** `SubtensorModule.add_stake`: `(hotkey, amount)` pre-dTAO or `(hotkey, netuid, amount)` on dTAO runtimes. Amount in rao. */
  addStakeTx(hotkey: string, netuid: number, amount: bigint): SubmittableExtrinsic<'promise'> {
    return this.buildCall('subtensorModule', 'addStake', { hotkey, netuid, amount });
  }
  async addStake(coldkey: TxSigner, hotkey: string, netuid: number, amount: bigint): Promise<TxOutcome> {
    return this.send(this.addStakeTx(hotkey, netuid, amount), coldkey);
  }

  /**
   * `SubtensorModule.set_weights(netuid, uids, weights, version_key)`, signed by the hotkey.
   * The version key defaults to the subnet's `WeightsVersionKey`.
   */
  async setWeightsTx(netuid: number, uids: number[], weights: number[], versionKey?: bigint): Promise<SubmittableExtrinsic<'promise'>> {
    if (uids.length !== weights.length) throw new Error('setWeights: uids and weights differ in length');
    for (const w of weights) if (!Number.isInteger(w) || w < 0 || w > U16_MAX) throw new Error(`setWeights: weight ${w} is not a u16`);
    const key = versionKey ?? (await this.hyperparameters(netuid)).weightsVersionKey;
    return this.buildCall('subtensorModule', 'setWeights', { netuid, dests: uids, weights, versionKey: key });
  }
  async setWeights(hotkey: TxSigner, netuid: number, uids: number[], weights: number[], versionKey?: bigint): Promise<TxOutcome> {
    return this.send(await this.setWeightsTx(netuid, uids, weights, versionKey), hotkey);
  }

  /** An `AdminUtils` call from named values (e.g. `adminCall('sudoSetTempo', { netuid, tempo })`). */
  adminCall(call: string, values: Record<string, unknown>): SubmittableExtrinsic<'promise'> {
    return this.buildCall('adminUtils', call, values);
  }

  /**
   * `sudo(utility.batchAll(calls))` signed by the sudo key. A failing inner call rejects with its
   * module error name (the `Sudo.Sudid` result is checked, not only `ExtrinsicSuccess`).
   */
  async sudoBatch(sudo: TxSigner, calls: Array<SubmittableExtrinsic<'promise'>>): Promise<TxOutcome> {
    if (calls.length === 0) throw new Error('sudoBatch: no calls');
    const inner = calls.length === 1 ? calls[0] : this.api.tx.utility.batchAll(calls);
    return this.send(this.api.tx.sudo.sudo(inner), sudo);
  }
}

export { ChainTxError };
export type { ChainEvent };
