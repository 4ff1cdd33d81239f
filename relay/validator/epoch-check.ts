/**
 * The validator's check of the chain: after each epoch of its subnet, read the state the epoch ran
 * on (the block before it) and what it stored, run the same epoch in webtensor's own Yuma
 * (`src/consensus`, the variant the runtime runs), and compare within ±1 u16. Divergence is
 * logged and exported as metrics; every epoch's chain outcome is handed on (gossiped as an
 * EpochResult by the validator).
 */
import type { SubtensorClient } from '../../src/chain/client.ts';
import { compareEpoch, formatMismatches, type EpochMismatch } from '../../src/chain/compare.ts';
import { metagraphToSnapshot } from '../../src/chain/snapshot.ts';
import type { Metagraph, YumaResultJson } from '../../src/chain/types.ts';
import { epochResultToJson, parseSnapshot, runEpoch } from '../../src/consensus/index.ts';

export interface EpochCheck {
  /** The block the epoch ran in. */
  block: number;
  variant: string;
  /** The chain's state after the epoch. */
  after: Metagraph;
  mismatches: EpochMismatch[];
  /** Largest |chain − webtensor| over every compared u16 (0 when identical). */
  maxDiff: number;
}

export interface EpochWatcher {
  /** Checks the latest epoch now if it was not checked yet. */
  poll(): Promise<EpochCheck | undefined>;
  stop(): void;
}

/** Runs webtensor's Yuma on the state before `epochBlock` and compares it with the state after. */
export async function checkEpoch(client: SubtensorClient, netuid: number, epochBlock: number): Promise<EpochCheck> {
  const [beforeHash, afterHash] = await Promise.all([client.blockHash(epochBlock - 1), client.blockHash(epochBlock)]);
  const [before, after] = await Promise.all([client.metagraph(netuid, beforeHash), client.metagraph(netuid, afterHash)]);
  const snapshot = metagraphToSnapshot(before, { block: epochBlock });
  const ours = epochResultToJson(runEpoch(parseSnapshot(snapshot))) as unknown as YumaResultJson;
  // Every compared value (a negative tolerance keeps them all), to measure the largest gap too.
  const all = compareEpoch(after, ours, { tolerance: -1 });
  const mismatches = all.filter((x) => !(Math.abs(x.chain - x.ours) <= 1));
  const maxDiff = all.reduce((m, x) => (Number.isFinite(x.chain - x.ours) ? Math.max(m, Math.abs(x.chain - x.ours)) : Infinity), 0);
  return { block: epochBlock, variant: snapshot.variant, after, mismatches, maxDiff };
}

/** Polls the subnet's last epoch block every `intervalMs` and checks each new epoch once. */
export function watchChainEpochs(options: {
  client: SubtensorClient;
  netuid: number;
  intervalMs?: number;
  onEpoch(check: EpochCheck): void | Promise<void>;
  log?: (line: string) => void;
}): EpochWatcher {
  const { client, netuid, intervalMs = 1_000, onEpoch, log = () => {} } = options;
  let lastChecked: number | undefined;
  let running: Promise<EpochCheck | undefined> | undefined;
  let stopped = false;

  async function pollOnce(): Promise<EpochCheck | undefined> {
    const epochBlock = await client.lastEpochBlock(netuid);
    if (lastChecked === undefined) {
      lastChecked = epochBlock; // start with the next epoch: the one before may predate our weights
      return undefined;
    }
    if (epochBlock <= lastChecked || epochBlock < 1) return undefined;
    lastChecked = epochBlock;
    const check = await checkEpoch(client, netuid, epochBlock);
    if (check.mismatches.length > 0) {
      log(`validator: epoch at block ${epochBlock} DIVERGES from webtensor's ${check.variant} (max ${check.maxDiff} u16):\n${formatMismatches(check.mismatches)}`);
    } else {
      log(`validator: epoch at block ${epochBlock} matches webtensor's ${check.variant} (max difference ${check.maxDiff} u16)`);
    }
    await onEpoch(check);
    return check;
  }
  const poll = () => {
    running = (running ?? Promise.resolve(undefined)).catch(() => undefined).then(pollOnce);
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) poll().catch((error: unknown) => log(`validator: epoch check failed: ${error instanceof Error ? error.message : String(error)}`));
  }, intervalMs);
  return {
    poll,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
