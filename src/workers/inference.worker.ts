/**
 * The inference worker: the onnxruntime-web engine, exposed to the page through comlink.
 * onnxruntime's own threads start this same script under the name `em-pthread…`; only the real
 * worker exposes the engine.
 */
import * as Comlink from 'comlink';
import { browserOrtPlatform, type BrowserPlatformOptions } from '../gpu/ort-web.ts';
import type { InferenceEngine, LoadOptions, TensorData } from './engine.ts';
import { createOrtEngine } from './ort-engine.ts';

/** What the worker exposes: the engine, plus the one-time choice of platform options. */
export interface WorkerApi extends InferenceEngine {
  configure(options: BrowserPlatformOptions): void;
}

let engine: InferenceEngine = createOrtEngine(browserOrtPlatform());

const api: WorkerApi = {
  configure(options) {
    void engine.dispose();
    engine = createOrtEngine(browserOrtPlatform(options));
  },
  load: (model: Uint8Array, options?: LoadOptions) => engine.load(model, options),
  async run(inputs: Record<string, TensorData>) {
    const result = await engine.run(inputs);
    // Hand the output buffers over instead of copying them.
    return Comlink.transfer(result, Object.values(result.outputs).map((t) => t.data.buffer as ArrayBuffer));
  },
  benchmark: (inputs, runs, warmupMs) => engine.benchmark(inputs, runs, warmupMs),
  dispose: () => engine.dispose(),
};

if (!(self as { name?: string }).name?.startsWith('em-pthread')) Comlink.expose(api);
