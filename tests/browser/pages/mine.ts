/**
 * Test page: a real browser miner, assembled from the same modules the app uses — the comlink
 * inference worker (WebGPU or WASM), the libp2p peer (WebSockets to the relay, a circuit
 * reservation, optional WebRTC) and the shared Miner / mining loop. Playwright drives it through
 * `window.webtensorMine`; everything it returns is plain JSON.
 */
import { createWorkerEngine, type WorkerEngine } from '../../../src/workers/client.ts';
import { fetchModel } from '../../../src/gpu/model-store.ts';
import { createPeer, type WebtensorPeer } from '../../../src/p2p/index.ts';
import { Miner, startMining, type Mining } from '../../../src/miner/index.ts';
import { keypair, keysReady } from '../../../src/chain/keys.ts';
import { protocolReady } from '../../../src/protocol/index.ts';
import { digitsSubnet, DIGITS_MODEL_MANIFEST } from '../../../src/subnets/index.ts';

export interface MineOptions {
  relays: string[];
  netuid: number;
  hotkeyUri: string;
  /** A model of the digits task by id ('cnn', …): fetched from /models/digits and checked against its sha256. */
  modelId: string;
  provider: 'webgpu' | 'wasm';
  /** Hotkeys allowed to send challenges. */
  validators: string[];
  announceEveryMs?: number;
  /** Batch of the warm-up run before mining (use the validator's batch: WebGPU kernels are compiled per shape). */
  warmupBatch?: number;
}

export interface MineStats {
  peerId: string;
  hotkey: string;
  provider: string;
  fallbackReason?: string;
  addresses: string[];
  relayConnected: boolean;
  challenges: number;
  answered: number;
  failed: number;
  refused: Record<string, number>;
  lastInferenceMs?: number;
  warmupMs: number;
  log: string[];
}

interface Running {
  engine: WorkerEngine;
  peer: WebtensorPeer;
  miner: Miner;
  mining: Mining;
  info: { provider: string; fallbackReason?: string };
  warmupMs: number;
}

const log: string[] = [];
const note = (line: string) => {
  log.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
  if (log.length > 200) log.shift();
};
let running: Running | undefined;

function stats(): MineStats {
  if (!running) throw new Error('not mining');
  const { peer, miner, info, warmupMs } = running;
  return {
    peerId: peer.peerId.toString(),
    hotkey: miner.hotkey,
    provider: info.provider,
    fallbackReason: info.fallbackReason,
    addresses: peer.dialableAddresses(),
    relayConnected: peer.relayConnected(),
    challenges: miner.stats.challenges,
    answered: miner.stats.answered,
    failed: miner.stats.failed,
    refused: { ...miner.stats.refused },
    lastInferenceMs: miner.stats.lastInferenceMs,
    warmupMs,
    log: [...log],
  };
}

async function start(options: MineOptions): Promise<MineStats> {
  if (running) throw new Error('already mining');
  await Promise.all([keysReady(), protocolReady()]);
  const pin = DIGITS_MODEL_MANIFEST.models.find((m) => m.id === options.modelId);
  if (!pin) throw new Error(`no digits model "${options.modelId}"`);
  const engine = await createWorkerEngine({ disableWebGpu: options.provider !== 'webgpu' });
  let peer: WebtensorPeer | undefined;
  try {
    const { bytes } = await fetchModel(`/${pin.file}`, { sha256: pin.sha256, cacheName: null });
    const info = await engine.load(bytes, { provider: options.provider, contract: digitsSubnet.contract });
    note(`model ${pin.id} loaded on ${info.provider}`);
    // One run at the task's default batch first: SwiftShader compiles its shaders on the first run.
    const t0 = performance.now();
    await engine.run(digitsSubnet.makeChallenge('mine.html warm-up', options.warmupBatch ?? digitsSubnet.batch.default).inputs);
    const warmupMs = performance.now() - t0;
    peer = await createPeer({ relays: options.relays, listenOnRelay: true, log: note });
    await peer.ready({ signal: AbortSignal.timeout(20_000) });
    const validators = new Set(options.validators);
    const miner = new Miner({
      netuid: options.netuid,
      spec: digitsSubnet,
      engine,
      model: { id: pin.id, sha256: pin.sha256 },
      provider: info.provider,
      signer: keypair(options.hotkeyUri),
      peerId: peer.peerId.toString(),
      isPermittedValidator: (hotkey) => validators.has(hotkey),
    });
    miner.onChallenge((e) => note(`challenge ${e.challengeId} from ${e.validator}: batch ${e.batch}, ${e.inferenceMs.toFixed(1)} ms${e.error ? `, error ${e.error}` : ''}`));
    const mining = await startMining(peer, miner, { netuid: options.netuid, announceEveryMs: options.announceEveryMs ?? 1_000, log: note });
    running = { engine, peer, miner, mining, info, warmupMs };
    return stats();
  } catch (error) {
    await peer?.stop().catch(() => {});
    engine.terminate();
    throw error;
  }
}

async function stop(): Promise<void> {
  const r = running;
  running = undefined;
  if (!r) return;
  await r.mining.stop().catch(() => {});
  await r.peer.stop().catch(() => {});
  r.engine.terminate();
}

declare global {
  interface Window {
    webtensorMine?: { start: typeof start; stats: typeof stats; stop: typeof stop };
  }
}
window.webtensorMine = { start, stats, stop };
