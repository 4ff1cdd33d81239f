/**
 * Checks of tensors against a task's contract, shared by every subnet's scoring.
 * Pure: no DOM, no Node APIs.
 */
import type { ModelContract, PinnedModel, ScoreResult, TensorData, TensorDType, TensorSpec } from './types.ts';
import { sha256Hex } from './sha256.ts';

const ARRAY_TYPES: Record<TensorDType, string> = {
  float32: 'Float32Array',
  int32: 'Int32Array',
  int64: 'BigInt64Array',
  uint8: 'Uint8Array',
};

/**
 * Values of a contract's named (free) dims for one challenge, e.g. { batch: 64 }. A named dim that
 * is not bound may take any size (e.g. an image height a serve model accepts freely).
 */
export type DimBindings = Record<string, number>;

/** The expected dims of `spec` under `bindings`; null where a dim is free and unbound. */
export function expectedDims(spec: TensorSpec, bindings: DimBindings): (number | null)[] {
  return spec.shape.map((d) => (typeof d === 'number' ? d : (bindings[d] ?? null)));
}

/**
 * Why `tensor` does not satisfy `spec`, or null when it does: checks the dtype, the typed-array
 * class, the dims (against `bindings` for named dims), the data length and, for float32, that
 * every value is finite. Never throws, whatever `tensor` is.
 */
export function tensorProblem(spec: TensorSpec, tensor: TensorData | undefined, bindings: DimBindings): string | null {
  if (!tensor || typeof tensor !== 'object') return `missing output "${spec.name}"`;
  if (tensor.dtype !== spec.dtype) return `output "${spec.name}" is ${String(tensor.dtype)}, expected ${spec.dtype}`;
  const data = tensor.data as unknown;
  if (!data || (data as object).constructor?.name !== ARRAY_TYPES[spec.dtype]) return `output "${spec.name}" data is not a ${ARRAY_TYPES[spec.dtype]}`;
  const expected = expectedDims(spec, bindings);
  const dims = tensor.dims as unknown;
  const shown = (xs: (number | null)[]) => `[${xs.map((x, i) => x ?? spec.shape[i]).join(', ')}]`;
  if (
    !Array.isArray(dims) ||
    dims.length !== expected.length ||
    dims.some((d, i) => !Number.isInteger(d) || d < 0 || (expected[i] !== null && d !== expected[i]))
  ) {
    return `output "${spec.name}" has shape [${Array.isArray(dims) ? dims.join(', ') : String(dims)}], expected ${shown(expected)}`;
  }
  const size = (dims as number[]).reduce((a, b) => a * b, 1);
  if (tensor.data.length !== size) return `output "${spec.name}" has ${tensor.data.length} values, expected ${size}`;
  if (spec.dtype === 'float32') {
    const f = tensor.data as Float32Array;
    for (let i = 0; i < f.length; i++) {
      if (!Number.isFinite(f[i])) return `output "${spec.name}" has a non-finite value (${f[i]}) at flat index ${i}`;
    }
  }
  return null;
}

/** The first contract violation among `outputs`, or null. Never throws. */
export function outputsProblem(contract: ModelContract, outputs: Record<string, TensorData>, bindings: DimBindings): string | null {
  if (!outputs || typeof outputs !== 'object') return 'no outputs';
  for (const spec of contract.outputs) {
    const problem = tensorProblem(spec, outputs[spec.name], bindings);
    if (problem) return problem;
  }
  return null;
}

/** A zero score with a reason. */
export function rejected(reason: string, metrics: Record<string, number> = {}): ScoreResult {
  return { score: 0, ok: false, reason, metrics };
}

/** Null when `bytes` are the pinned model, else why not. */
export function pinProblem(pin: PinnedModel, bytes: Uint8Array): string | null {
  if (bytes.length !== pin.bytes) return `${pin.file}: ${bytes.length} bytes, the pin says ${pin.bytes}`;
  const hash = sha256Hex(bytes);
  return hash === pin.sha256 ? null : `${pin.file}: sha256 ${hash}, the pin says ${pin.sha256}`;
}
