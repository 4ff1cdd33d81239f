/**
 * TensorData (src/subnets/types.ts) ↔ wire Tensor, with strict checks both ways: a known dtype, at
 * most MAX_TENSOR_DIMS non-negative integer dims, data of exactly product(dims) · itemsize bytes,
 * unique non-empty names, at most MAX_TENSORS per message. Wire data is raw little-endian elements
 * in row-major order; decoded tensors own fresh, aligned buffers (never views into the message).
 * Pure: no DOM, no Node APIs.
 */
import type { TensorArray, TensorData, TensorDType } from '../subnets/types.ts';
import { MAX_NAME_CHARS, MAX_TENSOR_DIMS, MAX_TENSORS } from './constants.ts';
import { ProtocolError } from './errors.ts';
import type { Tensor as WireTensor } from './webtensor.ts';

export type { WireTensor };

/** Bytes per element of each dtype. */
export const DTYPE_ITEMSIZE: Readonly<Record<TensorDType, number>> = { float32: 4, int32: 4, int64: 8, uint8: 1 };

const ARRAY_CLASS = { float32: Float32Array, int32: Int32Array, int64: BigInt64Array, uint8: Uint8Array } as const;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function isDType(x: unknown): x is TensorDType {
  return typeof x === 'string' && Object.hasOwn(DTYPE_ITEMSIZE, x);
}

/** True when `data` is the typed array of `dtype` (by its tag, so arrays from another realm pass). */
function isArrayOf(data: unknown, dtype: TensorDType): data is TensorArray {
  return ArrayBuffer.isView(data) && Object.prototype.toString.call(data) === `[object ${ARRAY_CLASS[dtype].name}]`;
}

function shape(detail: string): ProtocolError {
  return new ProtocolError('shape', detail);
}

/** Element count of `dims` after checking them; throws ProtocolError('shape'). */
function elementCount(name: string, dims: unknown): number {
  if (!Array.isArray(dims)) throw shape(`tensor "${name}": dims is not an array`);
  if (dims.length > MAX_TENSOR_DIMS) throw shape(`tensor "${name}": ${dims.length} dims, at most ${MAX_TENSOR_DIMS}`);
  let count = 1;
  for (const d of dims) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > 0xffffffff) {
      throw shape(`tensor "${name}": dim ${String(d)} is not an integer in [0, 2^32)`);
    }
    count *= d;
  }
  return count;
}

function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_CHARS || !/^[\x20-\x7e]*$/.test(name)) {
    throw shape(`tensor name must be 1..${MAX_NAME_CHARS} printable ASCII characters`);
  }
}

/** Swaps each `size`-byte element of `bytes` in place (for big-endian hosts only). */
function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  if (size === 1) return bytes;
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  return bytes;
}

/** One tensor to its wire form. The data bytes alias `tensor.data` on little-endian hosts (no copy). */
export function tensorToWire(name: string, tensor: TensorData): WireTensor {
  checkName(name);
  if (!tensor || typeof tensor !== 'object') throw shape(`tensor "${name}" is not an object`);
  const { dtype, dims, data } = tensor;
  if (!isDType(dtype)) throw shape(`tensor "${name}": unknown dtype ${String(dtype)}`);
  if (!isArrayOf(data, dtype)) throw shape(`tensor "${name}": data is not a ${ARRAY_CLASS[dtype].name}`);
  const count = elementCount(name, dims);
  if (data.length !== count) throw shape(`tensor "${name}": ${data.length} values for dims [${dims.join(', ')}] (${count})`);
  let bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (!LITTLE_ENDIAN_HOST) bytes = swapBytes(bytes.slice(), DTYPE_ITEMSIZE[dtype]);
  return { name, dtype, dims: [...dims], data: bytes };
}

/** One wire tensor back to TensorData (fresh, aligned buffer). */
export function tensorFromWire(wire: WireTensor): TensorData {
  const { name, dtype, dims, data } = wire;
  checkName(name);
  if (!isDType(dtype)) throw shape(`tensor "${name}": unknown dtype ${JSON.stringify(dtype)}`);
  const itemsize = DTYPE_ITEMSIZE[dtype];
  const count = elementCount(name, dims);
  if (data.byteLength !== count * itemsize) {
    throw shape(`tensor "${name}": ${data.byteLength} bytes for ${dtype} [${dims.join(', ')}], expected ${count * itemsize}`);
  }
  const owned = data.slice(); // copy: aligned at offset 0 and detached from the message buffer
  if (!LITTLE_ENDIAN_HOST) swapBytes(owned, itemsize);
  const array: TensorArray = dtype === 'uint8' ? owned : new ARRAY_CLASS[dtype](owned.buffer, 0, count);
  return { dtype, dims: [...dims], data: array };
}

/** A name → tensor record to wire tensors (in the record's key order). */
export function tensorsToWire(tensors: Record<string, TensorData>): WireTensor[] {
  if (!tensors || typeof tensors !== 'object') throw shape('tensors is not an object');
  const entries = Object.entries(tensors);
  if (entries.length > MAX_TENSORS) throw shape(`${entries.length} tensors, at most ${MAX_TENSORS}`);
  return entries.map(([name, t]) => tensorToWire(name, t));
}

/** Wire tensors to a name → tensor record; names must be unique. */
export function tensorsFromWire(wire: WireTensor[]): Record<string, TensorData> {
  if (wire.length > MAX_TENSORS) throw shape(`${wire.length} tensors, at most ${MAX_TENSORS}`);
  const seen = new Set<string>();
  const entries: [string, TensorData][] = [];
  for (const w of wire) {
    if (seen.has(w.name)) throw shape(`tensor "${w.name}" appears twice`);
    seen.add(w.name);
    entries.push([w.name, tensorFromWire(w)]);
  }
  // fromEntries defines own data properties, so a name like "__proto__" cannot touch a prototype.
  return Object.fromEntries(entries);
}
