/**
 * The inference engine over onnxruntime. The browser worker passes onnxruntime-web (WebGPU or
 * WASM build) and the Node miner onnxruntime-node: both expose the same InferenceSession/Tensor
 * API, so this one implementation serves both. No DOM or Node APIs here.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import {
  checkInputs,
  contractMismatches,
  InferenceError,
  isTensorDType,
  type BenchmarkResult,
  type ExecutionProvider,
  type InferenceEngine,
  type LoadOptions,
  type ModelInfo,
  type RunResult,
  type TensorData,
  type TensorSpec,
} from './engine.ts';

/** The part of an onnxruntime module this engine uses (onnxruntime-web and -node both fit). */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: TensorData['dtype'], data: TensorData['data'], dims: readonly number[]) => Tensor;
}

export interface OrtPlatform {
  /** Providers to try for `auto`, best first (e.g. ['webgpu', 'wasm'] or ['cpu']). */
  autoOrder: ExecutionProvider[];
  /** Loads (once) the onnxruntime build that runs `provider`; throws with the reason if it cannot. */
  loadOrt(provider: ExecutionProvider): Promise<OrtModule>;
  /** Null when `provider` can run here, else why not (checked before trying it). */
  unavailable(provider: ExecutionProvider): Promise<string | null>;
  /** Intra-op threads the provider will use. */
  threads(provider: ExecutionProvider): number;
  now(): number;
}

function metadataToSpecs(metadata: readonly InferenceSession.ValueMetadata[], names: readonly string[]): TensorSpec[] {
  return names.map((name) => {
    const meta = metadata.find((m) => m.name === name);
    if (!meta || !meta.isTensor) throw new InferenceError('contract', `"${name}" is not a tensor; only tensor inputs and outputs are supported`);
    if (!isTensorDType(meta.type)) throw new InferenceError('contract', `"${name}" has unsupported dtype ${meta.type}`);
    return { name, dtype: meta.type, shape: [...meta.shape] };
  });
}

export function createOrtEngine(platform: OrtPlatform): InferenceEngine {
  let session: InferenceSession | null = null;
  let ort: OrtModule | null = null;
  let info: ModelInfo | null = null;

  async function createSession(model: Uint8Array, provider: ExecutionProvider): Promise<InferenceSession> {
    const reason = await platform.unavailable(provider);
    if (reason) throw new InferenceError('runtime', reason);
    const runtime = await platform.loadOrt(provider);
    const created = await runtime.InferenceSession.create(model, {
      executionProviders: [provider],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: platform.threads(provider),
    });
    ort = runtime;
    return created;
  }

  const engine: InferenceEngine = {
    async load(model, options: LoadOptions = {}) {
      await engine.dispose();
      if (!(model instanceof Uint8Array) || model.byteLength === 0) throw new InferenceError('bad-model', 'the model is empty');
      const started = platform.now();
      const preference = options.provider ?? 'auto';
      const order = preference === 'auto' ? platform.autoOrder : [preference];
      let fallbackReason: string | undefined;
      let provider: ExecutionProvider | undefined;
      for (const candidate of order) {
        try {
          session = await createSession(model, candidate);
          provider = candidate;
          break;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (error instanceof InferenceError && error.code === 'runtime') {
            // The provider cannot run here (no adapter, …): try the next one.
            fallbackReason = `${candidate}: ${message}`;
            continue;
          }
          // onnxruntime rejected the bytes: a bad model fails the same way on every provider.
          throw new InferenceError('bad-model', `the model cannot be loaded: ${message}`);
        }
      }
      if (!session || !provider) throw new InferenceError('runtime', `no execution provider can run here (${fallbackReason})`);
      try {
        const inputs = metadataToSpecs(session.inputMetadata, session.inputNames);
        const outputs = metadataToSpecs(session.outputMetadata, session.outputNames);
        if (options.contract) {
          const problems = contractMismatches(options.contract, { inputs, outputs });
          if (problems.length > 0) throw new InferenceError('contract', `the model does not fit the task: ${problems.join('; ')}`);
        }
        info = { provider, fallbackReason, inputs, outputs, loadMs: platform.now() - started, threads: platform.threads(provider) };
        return info;
      } catch (error) {
        await engine.dispose();
        throw error;
      }
    },

    async run(inputs) {
      if (!session || !ort || !info) throw new InferenceError('no-model', 'no model is loaded');
      checkInputs(info.inputs, inputs);
      const feeds: Record<string, Tensor> = {};
      for (const [name, tensor] of Object.entries(inputs)) feeds[name] = new ort.Tensor(tensor.dtype, tensor.data, tensor.dims);
      const started = platform.now();
      let results: InferenceSession.ReturnType;
      try {
        results = await session.run(feeds);
      } catch (error) {
        throw new InferenceError('runtime', `inference failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      const inferenceMs = platform.now() - started;
      const outputs: Record<string, TensorData> = {};
      for (const [name, tensor] of Object.entries(results)) {
        if (!isTensorDType(tensor.type)) throw new InferenceError('runtime', `output "${name}" has unsupported dtype ${tensor.type}`);
        // getData() returns a standalone copy (transferable), even for GPU-resident outputs.
        outputs[name] = { dtype: tensor.type, dims: [...tensor.dims], data: (await tensor.getData(true)) as TensorData['data'] };
      }
      return { outputs, inferenceMs } satisfies RunResult;
    },

    async benchmark(inputs, runs = 20, warmupMs = 1_000) {
      if (!info) throw new InferenceError('no-model', 'no model is loaded');
      const first = await engine.run(inputs);
      // Warm up before measuring: V8 first runs WebAssembly on its baseline compiler and tiers up
      // to optimised code only after the hot functions have run a while (3× faster here).
      const warmupUntil = platform.now() + warmupMs;
      for (let i = 0; i < 200 && (i < 3 || platform.now() < warmupUntil); i++) await engine.run(inputs);
      const samples: number[] = [];
      for (let i = 0; i < Math.max(1, runs); i++) samples.push((await engine.run(inputs)).inferenceMs);
      samples.sort((a, b) => a - b);
      return {
        provider: info.provider,
        runs: samples.length,
        medianMs: samples[Math.floor((samples.length - 1) / 2)],
        p90Ms: samples[Math.floor((samples.length - 1) * 0.9)],
        firstRunMs: first.inferenceMs,
      } satisfies BenchmarkResult;
    },

    async dispose() {
      const current = session;
      session = null;
      info = null;
      await current?.release();
    },
  };
  return engine;
}
