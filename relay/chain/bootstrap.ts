/**
 * Bootstraps a demo subnet on a local dev chain (chopsticks), following the call sequence of
 * ../shared/chain/README.md:
 *   1. fund the dev keys with `dev_setStorage` (System.Account) and raise Balances.TotalIssuance
 *      by the same amount (staking fails with NotEnoughBalanceToStake otherwise);
 *   2. sudo(batchAll([network rate limit 0, tx rate limit 0]));
 *   3. registerNetwork (shape from metadata) → netuid from the NetworkAdded event;
 *   4. sudo(batchAll([tempo, weights rate limit 0, commit-reveal off, registrations per block /
 *      interval, min allowed weights, max allowed validators, max weight limit, ...]));
 *   5. burnedRegister every hotkey (one block), signed by its coldkey;
 *   6. addStake for the staked hotkeys (one block).
 */
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import { keypair, keysReady } from '../../src/chain/keys.ts';
import { SubtensorClient } from '../../src/chain/client.ts';
import type { LocalChain } from './launcher.ts';

export const TAO = 1_000_000_000n;

export interface NeuronSpec {
  /** Dev URI of the hotkey, e.g. `//Alice//validator0`. */
  hotkey: string;
  /** Dev URI of the coldkey that pays the registration and owns the stake, e.g. `//Alice`. */
  coldkey: string;
  /** Stake to add, rao (0 / undefined: none). */
  stake?: bigint;
}

export interface BootstrapOptions {
  neurons: NeuronSpec[];
  /** Sudo key URI (the spec's sudo is Alice). */
  sudo?: string;
  /** Subnet owner URI (pays the network lock). Default: the sudo key. */
  owner?: string;
  tempo?: number;
  maxAllowedValidators?: number;
  minAllowedWeights?: number;
  /** Max weight per uid (u16); default 65535 (no limit). */
  maxWeightLimit?: number;
  kappa?: number;
  bondsMovingAverage?: number;
  activityCutoff?: number;
  immunityPeriod?: number;
  weightsVersionKey?: bigint;
  /** Free balance given to every coldkey, rao. Default 1,000,000 TAO. */
  coldkeyFunds?: bigint;
  /** Free balance given to every hotkey (they sign set_weights), rao. Default 10 TAO. */
  hotkeyFunds?: bigint;
  /** Subnet emission per block, rao (pre-dTAO `EmissionValues`, set with dev_setStorage). Default: unchanged. */
  emissionPerBlock?: bigint;
  /** Reports each step (for logs). */
  log?: (message: string) => void;
}

export interface BootstrappedNeuron extends NeuronSpec {
  uid: number;
  hotkeyAddress: string;
  coldkeyAddress: string;
  hotkeyPair: KeyringPair;
  coldkeyPair: KeyringPair;
}

export interface BootstrapResult {
  netuid: number;
  neurons: BootstrappedNeuron[];
  sudo: KeyringPair;
  owner: KeyringPair;
  /** Block number after the last step. */
  block: number;
}

/** Dev neurons: validators `//Alice//validator{i}` (coldkey `//Alice`) with the given stakes, miners `//Bob//miner{i}` (coldkey `//Bob`). */
export function devNeurons(validatorStakes: bigint[], miners: number): NeuronSpec[] {
  return [
    ...validatorStakes.map((stake, i) => ({ hotkey: `//Alice//validator${i}`, coldkey: '//Alice', stake })),
    ...Array.from({ length: miners }, (_, i) => ({ hotkey: `//Bob//miner${i}`, coldkey: '//Bob' })),
  ];
}

/**
 * Sets free balances with dev_setStorage and raises Balances.TotalIssuance by the total increase.
 * Only raises balances (an account already richer keeps its balance).
 */
export async function fundAccounts(chain: LocalChain, client: SubtensorClient, balances: Map<string, bigint>): Promise<void> {
  const api = client.api;
  const entries: unknown[] = [];
  let increase = 0n;
  for (const [address, target] of balances) {
    const account = (await api.query.system.account(address)) as unknown as {
      nonce: { toNumber(): number };
      providers: { toNumber(): number };
      consumers: { toNumber(): number };
      sufficients: { toNumber(): number };
      data: { free: { toString(): string }; reserved: { toString(): string } };
    };
    const free = BigInt(account.data.free.toString());
    if (free >= target) continue;
    increase += target - free;
    entries.push([
      [address],
      {
        nonce: account.nonce.toNumber(),
        consumers: account.consumers.toNumber(),
        providers: Math.max(1, account.providers.toNumber()),
        sufficients: account.sufficients.toNumber(),
        data: { free: target.toString(), reserved: account.data.reserved.toString() },
      },
    ]);
  }
  if (entries.length === 0) return;
  const issuance = BigInt(((await api.query.balances.totalIssuance()) as unknown as { toString(): string }).toString());
  await chain.setStorage({
    System: { Account: entries },
    Balances: { TotalIssuance: (issuance + increase).toString() },
  });
}

export async function bootstrapSubnet(chain: LocalChain, client: SubtensorClient, options: BootstrapOptions): Promise<BootstrapResult> {
  const log = options.log ?? (() => undefined);
  await keysReady();
  const sudo = keypair(options.sudo ?? '//Alice');
  const owner = keypair(options.owner ?? options.sudo ?? '//Alice');
  const pairs = new Map<string, KeyringPair>();
  const pair = (uri: string) => {
    let p = pairs.get(uri);
    if (!p) pairs.set(uri, (p = keypair(uri)));
    return p;
  };

  // 1. Funds.
  const coldkeyFunds = options.coldkeyFunds ?? 1_000_000n * TAO;
  const hotkeyFunds = options.hotkeyFunds ?? 10n * TAO;
  const balances = new Map<string, bigint>([[sudo.address, coldkeyFunds], [owner.address, coldkeyFunds]]);
  for (const n of options.neurons) {
    balances.set(pair(n.coldkey).address, coldkeyFunds);
    if (!balances.has(pair(n.hotkey).address)) balances.set(pair(n.hotkey).address, hotkeyFunds);
  }
  await fundAccounts(chain, client, balances);
  log(`funded ${balances.size} accounts`);

  // 2. Global rate limits off.
  const globalCalls: Array<SubmittableExtrinsic<'promise'>> = [
    client.adminCall('sudoSetNetworkRateLimit', { rateLimit: 0 }),
    client.adminCall('sudoSetTxRateLimit', { txRateLimit: 0 }),
  ];
  await client.sudoBatch(sudo, globalCalls);
  log('rate limits off');

  // 3. Network.
  const { netuid } = await client.registerNetwork(owner);
  log(`registered network ${netuid}`);

  // 4. Subnet hyperparameters.
  const has = (call: string) => Boolean((client.api.tx as unknown as Record<string, Record<string, unknown>>).adminUtils?.[call]);
  const maxRegs = Math.max(32, options.neurons.length);
  const calls: Array<SubmittableExtrinsic<'promise'>> = [
    client.adminCall('sudoSetTempo', { netuid, tempo: options.tempo ?? 10 }),
    client.adminCall('sudoSetWeightsSetRateLimit', { netuid, weightsSetRateLimit: 0 }),
    client.adminCall('sudoSetMaxRegistrationsPerBlock', { netuid, maxRegistrationsPerBlock: maxRegs }),
    client.adminCall('sudoSetTargetRegistrationsPerInterval', { netuid, targetRegistrationsPerInterval: maxRegs }),
    client.adminCall('sudoSetMinAllowedWeights', { netuid, minAllowedWeights: options.minAllowedWeights ?? 1 }),
    client.adminCall('sudoSetMaxWeightLimit', { netuid, maxWeightLimit: options.maxWeightLimit ?? 65535 }),
  ];
  if (has('sudoSetCommitRevealWeightsEnabled')) calls.push(client.adminCall('sudoSetCommitRevealWeightsEnabled', { netuid, enabled: false }));
  if (options.maxAllowedValidators !== undefined) calls.push(client.adminCall('sudoSetMaxAllowedValidators', { netuid, maxAllowedValidators: options.maxAllowedValidators }));
  if (options.kappa !== undefined) calls.push(client.adminCall('sudoSetKappa', { netuid, kappa: options.kappa }));
  if (options.bondsMovingAverage !== undefined) calls.push(client.adminCall('sudoSetBondsMovingAverage', { netuid, bondsMovingAverage: options.bondsMovingAverage }));
  if (options.activityCutoff !== undefined) calls.push(client.adminCall('sudoSetActivityCutoff', { netuid, activityCutoff: options.activityCutoff }));
  if (options.immunityPeriod !== undefined) calls.push(client.adminCall('sudoSetImmunityPeriod', { netuid, immunityPeriod: options.immunityPeriod }));
  if (options.weightsVersionKey !== undefined) calls.push(client.adminCall('sudoSetWeightsVersionKey', { netuid, weightsVersionKey: options.weightsVersionKey }));
  await client.sudoBatch(sudo, calls);
  if (options.emissionPerBlock !== undefined) {
    await chain.setStorage({ SubtensorModule: { EmissionValues: [[[netuid], options.emissionPerBlock.toString()]] } });
  }
  log(`subnet ${netuid} configured (${calls.length} admin calls)`);

  // 5. Registrations (one block).
  await client.sendAll(options.neurons.map((n) => ({ tx: client.burnedRegisterTx(netuid, pair(n.hotkey).address), signer: pair(n.coldkey) })));
  const neurons: BootstrappedNeuron[] = [];
  for (const n of options.neurons) {
    const uid = await client.uidOf(netuid, pair(n.hotkey).address);
    if (uid === undefined) throw new Error(`bootstrap: ${n.hotkey} is not registered on netuid ${netuid}`);
    neurons.push({ ...n, uid, hotkeyAddress: pair(n.hotkey).address, coldkeyAddress: pair(n.coldkey).address, hotkeyPair: pair(n.hotkey), coldkeyPair: pair(n.coldkey) });
  }
  log(`registered ${neurons.length} neurons`);

  // 6. Stake (one block).
  const staked = options.neurons.filter((n) => (n.stake ?? 0n) > 0n);
  if (staked.length > 0) {
    await client.sendAll(staked.map((n) => ({ tx: client.addStakeTx(pair(n.hotkey).address, netuid, n.stake as bigint), signer: pair(n.coldkey) })));
    log(`staked ${staked.length} hotkeys`);
  }
  const head = await client.head();
  return { netuid, neurons, sudo, owner, block: head.number };
}
