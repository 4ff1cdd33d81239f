/**
 * onnxruntime-node for the Node engine (Node miners, the validator's recomputation, benchmarks):
 * the same engine as the browser's, on the CPU execution provider.
 */
import os from 'node:os';
import type { OrtModule, OrtPlatform } from '../../src/workers/ort-engine.ts';

export interface NodePlatformOptions {
  /** Intra-op threads; default: all cores. */
  threads?: number;
}

let runtime: Promise<OrtModule> | undefined;

export function nodeOrtPlatform(options: NodePlatformOptions = {}): OrtPlatform {
  const threads = options.threads ?? os.availableParallelism();
  return {
    autoOrder: ['cpu'],
    loadOrt: () => (runtime ??= import('onnxruntime-node') as unknown as Promise<OrtModule>),
    unavailable: async (provider) => (provider === 'cpu' ? null : `onnxruntime-node runs the CPU only, not ${provider}`),
    threads: () => threads,
    now: () => performance.now(),
  };
}
