/**
 * The page's side of the inference worker: an InferenceEngine whose calls run in a web worker.
 * Errors thrown in the worker arrive as Errors with the worker's message; the worker stays usable.
 */
import * as Comlink from 'comlink';
import type { BrowserPlatformOptions } from '../gpu/ort-web.ts';
import type { InferenceEngine } from './engine.ts';
import type { WorkerApi } from './inference.worker.ts';

export interface WorkerEngine extends InferenceEngine {
  /** Stops the worker and frees everything it holds. */
  terminate(): void;
}

export async function createWorkerEngine(options: BrowserPlatformOptions = {}): Promise<WorkerEngine> {
  const worker = new Worker(new URL('./inference.worker.ts', import.meta.url), { type: 'module', name: 'webtensor-inference' });
  const remote = Comlink.wrap<WorkerApi>(worker);
  await remote.configure(options);
  return {
    load: (model, loadOptions) => remote.load(model, loadOptions),
    run: (inputs) => remote.run(inputs),
    benchmark: (inputs, runs, warmupMs) => remote.benchmark(inputs, runs, warmupMs),
    dispose: () => remote.dispose(),
    terminate() {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
