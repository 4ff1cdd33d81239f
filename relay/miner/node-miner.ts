/**
 * The Node miner: the same Miner and mining loop as the browser tab, with onnxruntime-node as the
 * engine. For headless mining, load tests, the demo network and the integration tests.
 *
 *   const m = await startNodeMiner({ relays, netuid: 1, taskId: 'digits-v1', model: 'cnn', hotkey: pair, registry });
 *   await m.stop();
 */
import { readFileSync } from 'node:fs';
import { createPeer, type WebtensorPeer } from '../../src/p2p/index.ts';
import { Miner, startMining, type Mining } from '../../src/miner/index.ts';
import { protocolReady, type Signer } from '../../src/protocol/index.ts';
import { getSubnet, pinProblem, sha256Hex, type PinnedModel, type TaskSpec } from '../../src/subnets/index.ts';
import type { InferenceEngine } from '../../src/workers/engine.ts';
import { createOrtEngine } from '../../src/workers/ort-engine.ts';
import type { Registry } from '../registry/registry.ts';
import { nodeOrtPlatform } from './ort-node.ts';

export interface NodeMinerConfig {
  relays: string[];
  netuid: number;
  taskId: string;
  /** A reference model id of the task (e.g. 'cnn', checked against its pinned sha256) or an .onnx path. */
  model: string;
  hotkey: Signer;
  /** Where validator permits come from. */
  registry: Registry;
  /** onnxruntime-node intra-op threads (default 1: many miners share a machine in tests). */
  threads?: number;
  /** Re-read the registry this often (ms). */
  registryRefreshMs?: number;
  announceEveryMs?: number;
  /** Use this engine instead of onnxruntime-node (tests of misbehaving miners). */
  engine?: InferenceEngine;
  log?: (line: string) => void;
}

export interface NodeMiner {
  peer: WebtensorPeer;
  miner: Miner;
  mining: Mining;
  model: { id: string; sha256: string };
  stop(): Promise<void>;
}

/** Resolves a model reference to bytes and its pin: a reference model id of the task, else a file path. */
export function loadModelBytes(spec: TaskSpec, model: string): { id: string; sha256: string; bytes: Uint8Array } {
  const pinned: readonly PinnedModel[] = spec.kind === 'compete' ? spec.referenceModels : [spec.canonicalModel];
  const pin = pinned.find((m) => m.id === model);
  if (pin) {
    const bytes = new Uint8Array(readFileSync(new URL(`../../${pin.file}`, import.meta.url)));
    const problem = pinProblem(pin, bytes);
    if (problem) throw new Error(`model ${pin.id} (${pin.file}): ${problem}`);
    return { id: pin.id, sha256: pin.sha256, bytes };
  }
  if (!model.endsWith('.onnx')) {
    throw new Error(`model "${model}" is neither a model of ${spec.id} (${pinned.map((m) => m.id).join(', ')}) nor an .onnx file`);
  }
  const bytes = new Uint8Array(readFileSync(model));
  return { id: model.split('/').pop()!.replace(/\.onnx$/, ''), sha256: sha256Hex(bytes), bytes };
}

export async function startNodeMiner(config: NodeMinerConfig): Promise<NodeMiner> {
  const log = config.log ?? (() => {});
  const spec = getSubnet(config.taskId);
  if (!spec) throw new Error(`unknown task "${config.taskId}"`);
  await protocolReady();
  const model = loadModelBytes(spec, config.model);
  const engine = config.engine ?? createOrtEngine(nodeOrtPlatform({ threads: config.threads ?? 1 }));
  const info = await engine.load(model.bytes, { provider: 'cpu', contract: spec.contract });

  let permitted = new Set<string>();
  let refreshedAt = 0;
  const refresh = async () => {
    refreshedAt = Date.now();
    try {
      permitted = new Set((await config.registry.members()).filter((m) => m.validatorPermit).map((m) => m.hotkey));
    } catch (error) {
      log(`miner: registry unavailable, keeping the last validator list: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  await refresh();
  const refreshTimer = setInterval(() => void refresh(), config.registryRefreshMs ?? 5_000);

  let peer: WebtensorPeer | undefined;
  try {
    peer = await createPeer({ relays: config.relays, listenOnRelay: true, log });
    await peer.ready();
  } catch (error) {
    clearInterval(refreshTimer);
    await peer?.stop();
    await engine.dispose();
    throw error;
  }
  const miner = new Miner({
    netuid: config.netuid,
    spec,
    engine,
    model: { id: model.id, sha256: model.sha256 },
    provider: info.provider,
    signer: config.hotkey,
    peerId: peer.peerId.toString(),
    isPermittedValidator: (hotkey) => {
      if (permitted.has(hotkey)) return true;
      // Maybe the permit is newer than our copy of the registry: look again (at most once a second).
      if (Date.now() - refreshedAt > 1_000) void refresh();
      return false;
    },
  });
  const mining = await startMining(peer, miner, { netuid: config.netuid, announceEveryMs: config.announceEveryMs, log });
  log(`miner: ${config.hotkey.address} mining ${spec.id} on subnet ${config.netuid} with ${model.id} (${info.provider}) as ${peer.peerId.toString()}`);
  return {
    peer,
    miner,
    mining,
    model: { id: model.id, sha256: model.sha256 },
    async stop() {
      clearInterval(refreshTimer);
      await mining.stop();
      await peer.stop();
      await engine.dispose();
    },
  };
}
