import { describe, expect, it } from 'vitest';
// Imports the tensor codec alone (not the crypto) so this file loads fast.
import { MAX_TENSORS } from '../../src/protocol/constants.ts';
import { ProtocolError } from '../../src/protocol/errors.ts';
import { DTYPE_ITEMSIZE, tensorFromWire, tensorsFromWire, tensorsToWire, tensorToWire } from '../../src/protocol/tensors.ts';
import type { TensorData } from '../../src/subnets/types.ts';

describe('tensors on the wire', () => {
  it('writes raw little-endian elements, row-major', () => {
    expect([...tensorToWire('x', { dtype: 'float32', dims: [2], data: Float32Array.from([1, -2]) }).data]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    expect([...tensorToWire('x', { dtype: 'int32', dims: [1], data: Int32Array.from([0x01020304]) }).data]).toEqual([4, 3, 2, 1]);
    expect([...tensorToWire('x', { dtype: 'int64', dims: [1], data: BigInt64Array.from([-2n]) }).data]).toEqual([0xfe, 255, 255, 255, 255, 255, 255, 255]);
  });

  it('encodes a view into a larger buffer without its neighbours', () => {
    const big = Float32Array.from([9, 1, 2, 3, 9]);
    const w = tensorToWire('x', { dtype: 'float32', dims: [3], data: big.subarray(1, 4) });
    expect(w.data.byteLength).toBe(12);
    expect(tensorFromWire(w).data).toEqual(Float32Array.from([1, 2, 3]));
  });

  it('decodes into fresh aligned buffers, even from an odd offset in the message', () => {
    const src = tensorToWire('x', { dtype: 'float32', dims: [2, 2], data: Float32Array.from([1, 2, 3, 4]) });
    const message = new Uint8Array(src.data.length + 3);
    message.set(src.data, 3);
    const t = tensorFromWire({ ...src, data: message.subarray(3) });
    expect(t.data).toEqual(Float32Array.from([1, 2, 3, 4]));
    expect(t.data.byteOffset).toBe(0);
    message.fill(0);
    expect(t.data[0]).toBe(1); // not a view into the message
  });

  it('checks byte length = product(dims) * itemsize for every dtype', () => {
    for (const [dtype, size] of Object.entries(DTYPE_ITEMSIZE)) {
      const ok = { name: 't', dtype, dims: [2, 3], data: new Uint8Array(6 * size) };
      expect(tensorFromWire(ok).dims).toEqual([2, 3]);
      for (const n of [6 * size - 1, 6 * size + 1, 0, 7 * size]) {
        expect(() => tensorFromWire({ ...ok, data: new Uint8Array(n) })).toThrow(ProtocolError);
      }
    }
  });

  it('refuses unknown dtypes, bad dims and wrong array classes with reason "shape"', () => {
    const reason = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ProtocolError).reason;
      }
      return 'none';
    };
    expect(reason(() => tensorFromWire({ name: 't', dtype: 'bfloat16', dims: [1], data: new Uint8Array(2) }))).toBe('shape');
    expect(reason(() => tensorFromWire({ name: 't', dtype: 'toString', dims: [1], data: new Uint8Array(2) }))).toBe('shape');
    expect(reason(() => tensorToWire('t', { dtype: 'float32', dims: [1.5], data: new Float32Array(1) }))).toBe('shape');
    expect(reason(() => tensorToWire('t', { dtype: 'float32', dims: [NaN], data: new Float32Array(0) }))).toBe('shape');
    expect(reason(() => tensorToWire('t', { dtype: 'float32', dims: [2], data: new Float64Array(2) } as unknown as TensorData))).toBe('shape');
    expect(reason(() => tensorToWire('t', { dtype: 'uint8', dims: [2], data: new Uint8ClampedArray(2) } as unknown as TensorData))).toBe('shape');
    expect(reason(() => tensorToWire('t', { dtype: 'int64', dims: [2], data: new Int32Array(2) } as unknown as TensorData))).toBe('shape');
    expect(reason(() => tensorToWire('t', null as unknown as TensorData))).toBe('shape');
    // Overflowing products cannot sneak past the byte-length check.
    expect(reason(() => tensorFromWire({ name: 't', dtype: 'uint8', dims: [0xffffffff, 0xffffffff, 0xffffffff], data: new Uint8Array(3) }))).toBe('shape');
    const many = Object.fromEntries(Array.from({ length: MAX_TENSORS + 1 }, (_, i) => [`t${i}`, { dtype: 'uint8' as const, dims: [1], data: new Uint8Array(1) }]));
    expect(reason(() => tensorsToWire(many))).toBe('shape');
  });

  it('keeps names as plain own keys (no prototype games) and refuses duplicates', () => {
    const wire = [{ name: '__proto__', dtype: 'uint8', dims: [1], data: Uint8Array.from([7]) }];
    const rec = tensorsFromWire(wire);
    expect(Object.keys(rec)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(rec)).toBe(Object.prototype);
    expect(() => tensorsFromWire([...wire, ...wire])).toThrow(/twice/);
  });
});
