/**
 * The inference engine interface. The in-worker engine, its comlink proxy in the page and the Node
 * miner's engine all implement it, so a caller never cares where inference runs.
 * Pure TypeScript: no DOM, no Node APIs.
 */

import type { ModelContract, TensorData, TensorDType, TensorSpec } from '../subnets/types.ts';

// The tensor types belong to the task specs (the pure core); the engine speaks them.
export type { ModelContract, TensorArray, TensorData, TensorDType, TensorSpec } from '../subnets/types.ts';

/** `auto`: WebGPU when the runtime has an adapter, else WASM (browser) or CPU (Node). */
export type ProviderPreference = 'auto' | 'webgpu' | 'wasm' | 'cpu';
export type ExecutionProvider = 'webgpu' | 'wasm' | 'cpu';

export interface LoadOptions {
  provider?: ProviderPreference;
  /** The input/output contract the model must satisfy; loading fails with a clear error otherwise. */
  contract?: ModelContract;
}

export interface ModelInfo {
  /** The execution provider the session actually runs on. */
  provider: ExecutionProvider;
  /** Why a preferred provider was not used (e.g. WebGPU unavailable), when it was not. */
  fallbackReason?: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  loadMs: number;
  threads: number;
}

export interface RunResult {
  outputs: Record<string, TensorData>;
  /** Wall time of the session run alone (ms). */
  inferenceMs: number;
}

export interface BenchmarkResult {
  provider: ExecutionProvider;
  runs: number;
  medianMs: number;
  p90Ms: number;
  firstRunMs: number;
}

export interface InferenceEngine {
  load(model: Uint8Array, options?: LoadOptions): Promise<ModelInfo>;
  run(inputs: Record<string, TensorData>): Promise<RunResult>;
  /** Median and p90 of `runs` runs after the first run and a warm-up of at least `warmupMs` (default 1 s). */
  benchmark(inputs: Record<string, TensorData>, runs?: number, warmupMs?: number): Promise<BenchmarkResult>;
  dispose(): Promise<void>;
}

/** Every engine error a user can act on; `code` says which kind. */
export class InferenceError extends Error {
  constructor(
    readonly code: 'no-model' | 'bad-model' | 'contract' | 'bad-input' | 'runtime' | 'integrity' | 'fetch',
    message: string,
  ) {
    super(message);
    this.name = 'InferenceError';
  }
}

const elementTypes: Record<TensorDType, new (length: number) => TensorData['data']> = {
  float32: Float32Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
};

export function isTensorDType(value: string): value is TensorDType {
  return value in elementTypes;
}

export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}

/** A free (symbolic or unknown) dimension in a model's metadata or a spec. */
function isFreeDim(dim: number | string): boolean {
  return typeof dim === 'string' || dim < 0;
}

/** Checks a loaded model's inputs and outputs against a task's contract; returns every mismatch. */
export function contractMismatches(contract: ModelContract, model: { inputs: TensorSpec[]; outputs: TensorSpec[] }): string[] {
  const problems: string[] = [];
  for (const side of ['inputs', 'outputs'] as const) {
    const actual = new Map(model[side].map((spec) => [spec.name, spec]));
    for (const expected of contract[side]) {
      const found = actual.get(expected.name);
      const kind = side === 'inputs' ? 'input' : 'output';
      if (!found) {
        problems.push(`missing ${kind} "${expected.name}" (the model has ${[...actual.keys()].map((n) => `"${n}"`).join(', ') || 'none'})`);
        continue;
      }
      if (found.dtype !== expected.dtype) problems.push(`${kind} "${expected.name}" is ${found.dtype}, expected ${expected.dtype}`);
      const shapeOk =
        found.shape.length === 0 || // no shape information in the model: checked at run time
        (found.shape.length === expected.shape.length &&
          expected.shape.every((dim, i) => isFreeDim(dim) || isFreeDim(found.shape[i]) || found.shape[i] === dim));
      if (!shapeOk) problems.push(`${kind} "${expected.name}" has shape ${formatShape(found.shape)}, expected ${formatShape(expected.shape)}`);
    }
  }
  return problems;
}

/** Checks tensors about to be run against the specs of the model's inputs; throws a clear error. */
export function checkInputs(specs: TensorSpec[], inputs: Record<string, TensorData>): void {
  const names = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(inputs)) {
    if (!names.has(name)) throw new InferenceError('bad-input', `unknown input "${name}"; the model takes ${[...names].map((n) => `"${n}"`).join(', ')}`);
  }
  for (const spec of specs) {
    const tensor = inputs[spec.name];
    if (!tensor) throw new InferenceError('bad-input', `input "${spec.name}" is missing`);
    if (tensor.dtype !== spec.dtype) throw new InferenceError('bad-input', `input "${spec.name}" is ${tensor.dtype}, the model takes ${spec.dtype}`);
    if (!(tensor.data instanceof elementTypes[tensor.dtype])) throw new InferenceError('bad-input', `input "${spec.name}" data is not a ${elementTypes[tensor.dtype].name}`);
    const size = tensor.dims.reduce((a, b) => a * b, 1);
    if (tensor.dims.some((d) => !Number.isInteger(d) || d < 0) || size !== tensor.data.length) {
      throw new InferenceError('bad-input', `input "${spec.name}" has dims ${formatShape(tensor.dims)} (${size} elements) but ${tensor.data.length} values`);
    }
    const shapeOk = spec.shape.length === 0 || (spec.shape.length === tensor.dims.length && spec.shape.every((dim, i) => isFreeDim(dim) || dim === tensor.dims[i]));
    if (!shapeOk) throw new InferenceError('bad-input', `input "${spec.name}" has shape ${formatShape(tensor.dims)}, the model takes ${formatShape(spec.shape)}`);
  }
}
