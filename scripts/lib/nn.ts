/**
 * A minimal, deterministic neural-network trainer in plain TypeScript: sequential models of
 * Dense / Conv2d / ReLU / MaxPool2 layers with a softmax cross-entropy head, trained by Adam over
 * Float64Arrays in a fixed order. Only + - * / and Math.sqrt are used on the training path
 * (exp comes from src/subnets/detmath.ts), so a run reproduces bit for bit on any JS engine.
 * Every layer also writes itself into an ONNX graph with float32 weights.
 */
import { dexp } from '../../src/subnets/detmath.ts';
import type { Rng } from '../../src/subnets/rng.ts';
import type { GraphBuilder } from './onnx-writer.ts';

export interface Param {
  name: string;
  dims: number[];
  value: Float64Array;
  grad: Float64Array;
  m: Float64Array;
  v: Float64Array;
}

function param(name: string, dims: number[]): Param {
  const n = dims.reduce((a, b) => a * b, 1);
  return { name, dims, value: new Float64Array(n), grad: new Float64Array(n), m: new Float64Array(n), v: new Float64Array(n) };
}

/** Uniform He initialisation, U(-a, a) with a = gain * sqrt(6 / fanIn). */
function initUniform(p: Param, rng: Rng, fanIn: number, gain = 1): void {
  const a = gain * Math.sqrt(6 / fanIn);
  for (let i = 0; i < p.value.length; i++) p.value[i] = a * (2 * rng.float() - 1);
}

/** Rounds to float32 and back: what the ONNX file will hold. */
function f32(values: Float64Array): Float32Array {
  return Float32Array.from(values);
}

export interface Layer {
  readonly inSize: number;
  readonly outSize: number;
  readonly params: Param[];
  forward(x: Float64Array): Float64Array;
  /** Accumulates parameter gradients; returns the gradient wrt the input when `needInput`. */
  backward(gradOut: Float64Array, needInput: boolean): Float64Array | null;
  toOnnx(g: GraphBuilder, input: string): string;
  describe(): string;
}

/** y = W x + b, W [out, in] (ONNX Gemm with transB = 1). */
export class Dense implements Layer {
  readonly params: Param[];
  private readonly w: Param;
  private readonly b: Param;
  private x: Float64Array = new Float64Array(0);
  private readonly y: Float64Array;
  private readonly dx: Float64Array;

  constructor(readonly inSize: number, readonly outSize: number, rng: Rng, gain = 1) {
    this.w = param('W', [outSize, inSize]);
    this.b = param('B', [outSize]);
    initUniform(this.w, rng, inSize, gain);
    this.params = [this.w, this.b];
    this.y = new Float64Array(outSize);
    this.dx = new Float64Array(inSize);
  }

  forward(x: Float64Array): Float64Array {
    this.x = x;
    const W = this.w.value, n = this.inSize;
    for (let o = 0; o < this.outSize; o++) {
      let s = this.b.value[o];
      const off = o * n;
      for (let i = 0; i < n; i++) s += W[off + i] * x[i];
      this.y[o] = s;
    }
    return this.y;
  }

  backward(gy: Float64Array, needInput: boolean): Float64Array | null {
    const W = this.w.value, dW = this.w.grad, db = this.b.grad, x = this.x, n = this.inSize;
    if (needInput) this.dx.fill(0);
    for (let o = 0; o < this.outSize; o++) {
      const g = gy[o];
      if (g === 0) continue;
      db[o] += g;
      const off = o * n;
      for (let i = 0; i < n; i++) dW[off + i] += g * x[i];
      if (needInput) for (let i = 0; i < n; i++) this.dx[i] += g * W[off + i];
    }
    return needInput ? this.dx : null;
  }

  toOnnx(g: GraphBuilder, input: string): string {
    const w = g.floats('dense_W', this.w.dims, f32(this.w.value));
    const b = g.floats('dense_B', this.b.dims, f32(this.b.value));
    return g.node('Gemm', [input, w, b], { transB: 1 });
  }

  describe(): string {
    return `Dense(${this.inSize}->${this.outSize})`;
  }
}

export class Relu implements Layer {
  readonly params: Param[] = [];
  private readonly y: Float64Array;
  private readonly dx: Float64Array;

  constructor(readonly inSize: number) {
    this.y = new Float64Array(inSize);
    this.dx = new Float64Array(inSize);
  }

  get outSize(): number {
    return this.inSize;
  }

  forward(x: Float64Array): Float64Array {
    for (let i = 0; i < this.inSize; i++) this.y[i] = x[i] > 0 ? x[i] : 0;
    return this.y;
  }

  backward(gy: Float64Array): Float64Array {
    for (let i = 0; i < this.inSize; i++) this.dx[i] = this.y[i] > 0 ? gy[i] : 0;
    return this.dx;
  }

  toOnnx(g: GraphBuilder, input: string): string {
    return g.node('Relu', [input]);
  }

  describe(): string {
    return 'Relu';
  }
}

/** Square convolution, stride 1, zero padding `pad`; layout [C, H, W]. */
export class Conv2d implements Layer {
  readonly params: Param[];
  readonly inSize: number;
  readonly outSize: number;
  private readonly w: Param;
  private readonly b: Param;
  private readonly outH: number;
  private readonly outW: number;
  private x: Float64Array = new Float64Array(0);
  private readonly y: Float64Array;
  private readonly dx: Float64Array;

  constructor(
    readonly cin: number,
    readonly cout: number,
    readonly h: number,
    readonly wdt: number,
    readonly k: number,
    readonly pad: number,
    rng: Rng,
  ) {
    this.w = param('W', [cout, cin, k, k]);
    this.b = param('B', [cout]);
    initUniform(this.w, rng, cin * k * k);
    this.params = [this.w, this.b];
    this.outH = h + 2 * pad - k + 1;
    this.outW = wdt + 2 * pad - k + 1;
    this.inSize = cin * h * wdt;
    this.outSize = cout * this.outH * this.outW;
    this.y = new Float64Array(this.outSize);
    this.dx = new Float64Array(this.inSize);
  }

  forward(x: Float64Array): Float64Array {
    this.x = x;
    const { cin, cout, h, wdt, k, pad, outH, outW } = this;
    const W = this.w.value, y = this.y;
    for (let co = 0; co < cout; co++) {
      const yo = co * outH * outW;
      y.fill(this.b.value[co], yo, yo + outH * outW);
      for (let ci = 0; ci < cin; ci++) {
        const xo = ci * h * wdt;
        for (let ky = 0; ky < k; ky++) {
          const r0 = Math.max(0, pad - ky), r1 = Math.min(outH, h + pad - ky);
          for (let kx = 0; kx < k; kx++) {
            const wv = W[((co * cin + ci) * k + ky) * k + kx];
            const c0 = Math.max(0, pad - kx), c1 = Math.min(outW, wdt + pad - kx);
            for (let r = r0; r < r1; r++) {
              const yr = yo + r * outW;
              const xr = xo + (r + ky - pad) * wdt + kx - pad;
              for (let c = c0; c < c1; c++) y[yr + c] += wv * x[xr + c];
            }
          }
        }
      }
    }
    return y;
  }

  backward(gy: Float64Array, needInput: boolean): Float64Array | null {
    const { cin, cout, h, wdt, k, pad, outH, outW } = this;
    const W = this.w.value, dW = this.w.grad, x = this.x, dx = this.dx;
    if (needInput) dx.fill(0);
    for (let co = 0; co < cout; co++) {
      const yo = co * outH * outW;
      let sb = 0;
      for (let i = 0; i < outH * outW; i++) sb += gy[yo + i];
      this.b.grad[co] += sb;
      for (let ci = 0; ci < cin; ci++) {
        const xo = ci * h * wdt;
        for (let ky = 0; ky < k; ky++) {
          const r0 = Math.max(0, pad - ky), r1 = Math.min(outH, h + pad - ky);
          for (let kx = 0; kx < k; kx++) {
            const wi = ((co * cin + ci) * k + ky) * k + kx;
            const wv = W[wi];
            const c0 = Math.max(0, pad - kx), c1 = Math.min(outW, wdt + pad - kx);
            let s = 0;
            for (let r = r0; r < r1; r++) {
              const yr = yo + r * outW;
              const xr = xo + (r + ky - pad) * wdt + kx - pad;
              for (let c = c0; c < c1; c++) s += gy[yr + c] * x[xr + c];
              if (needInput) for (let c = c0; c < c1; c++) dx[xr + c] += wv * gy[yr + c];
            }
            dW[wi] += s;
          }
        }
      }
    }
    return needInput ? dx : null;
  }

  toOnnx(g: GraphBuilder, input: string): string {
    const w = g.floats('conv_W', this.w.dims, f32(this.w.value));
    const b = g.floats('conv_B', this.b.dims, f32(this.b.value));
    const p = this.pad;
    return g.node('Conv', [input, w, b], { kernel_shape: [this.k, this.k], pads: [p, p, p, p], strides: [1, 1] });
  }

  describe(): string {
    return `Conv(${this.cin}->${this.cout}, ${this.k}x${this.k}, pad ${this.pad})`;
  }
}

/** 2x2 max pooling, stride 2; layout [C, H, W] with even H, W. */
export class MaxPool2 implements Layer {
  readonly params: Param[] = [];
  readonly inSize: number;
  readonly outSize: number;
  private readonly y: Float64Array;
  private readonly arg: Int32Array;
  private readonly dx: Float64Array;

  constructor(readonly c: number, readonly h: number, readonly wdt: number) {
    this.inSize = c * h * wdt;
    this.outSize = (c * h * wdt) / 4;
    this.y = new Float64Array(this.outSize);
    this.arg = new Int32Array(this.outSize);
    this.dx = new Float64Array(this.inSize);
  }

  forward(x: Float64Array): Float64Array {
    const oh = this.h / 2, ow = this.wdt / 2;
    let o = 0;
    for (let ch = 0; ch < this.c; ch++) {
      for (let r = 0; r < oh; r++) {
        for (let col = 0; col < ow; col++, o++) {
          const i0 = (ch * this.h + 2 * r) * this.wdt + 2 * col;
          let best = i0;
          if (x[i0 + 1] > x[best]) best = i0 + 1;
          if (x[i0 + this.wdt] > x[best]) best = i0 + this.wdt;
          if (x[i0 + this.wdt + 1] > x[best]) best = i0 + this.wdt + 1;
          this.arg[o] = best;
          this.y[o] = x[best];
        }
      }
    }
    return this.y;
  }

  backward(gy: Float64Array): Float64Array {
    this.dx.fill(0);
    for (let o = 0; o < this.outSize; o++) this.dx[this.arg[o]] += gy[o];
    return this.dx;
  }

  toOnnx(g: GraphBuilder, input: string): string {
    return g.node('MaxPool', [input], { kernel_shape: [2, 2], strides: [2, 2] });
  }

  describe(): string {
    return 'MaxPool(2x2)';
  }
}

/** Softmax in place with the deterministic exp; returns the probabilities. */
export function softmax(z: Float64Array, out: Float64Array): Float64Array {
  let max = z[0];
  for (let i = 1; i < z.length; i++) if (z[i] > max) max = z[i];
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    out[i] = dexp(z[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < z.length; i++) out[i] /= sum;
  return out;
}

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** A sequential classifier: layers, then softmax (in ONNX: Flatten first when the first layer is Dense). */
export class Sequential {
  readonly params: Param[];
  private readonly probs: Float64Array;
  private readonly grad: Float64Array;
  private step = 0;
  private beta1Pow = 1;
  private beta2Pow = 1;

  constructor(readonly layers: Layer[]) {
    this.params = layers.flatMap((l) => l.params);
    const classes = layers[layers.length - 1].outSize;
    this.probs = new Float64Array(classes);
    this.grad = new Float64Array(classes);
  }

  get paramCount(): number {
    return this.params.reduce((n, p) => n + p.value.length, 0);
  }

  predict(x: Float64Array): Float64Array {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h);
    return softmax(h, this.probs);
  }

  /** Forward + backward of one sample, accumulating gradients; returns its probabilities. */
  learn(x: Float64Array, label: number): Float64Array {
    const p = this.predict(x);
    for (let i = 0; i < p.length; i++) this.grad[i] = p[i] - (i === label ? 1 : 0);
    let g: Float64Array | null = this.grad;
    for (let li = this.layers.length - 1; li >= 0 && g; li--) g = this.layers[li].backward(g, li > 0);
    return p;
  }

  /** One Adam step with the accumulated gradients averaged over `batch`, then zeroes them. */
  adamStep(batch: number, opt: AdamOptions): void {
    const b1 = opt.beta1 ?? 0.9, b2 = opt.beta2 ?? 0.999, eps = opt.eps ?? 1e-8, wd = opt.weightDecay ?? 0;
    this.step++;
    this.beta1Pow *= b1;
    this.beta2Pow *= b2;
    const c1 = 1 / (1 - this.beta1Pow), c2 = 1 / (1 - this.beta2Pow);
    for (const p of this.params) {
      const { value, grad, m, v } = p;
      for (let i = 0; i < value.length; i++) {
        const g = grad[i] / batch;
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        value[i] -= opt.lr * ((m[i] * c1) / (Math.sqrt(v[i] * c2) + eps) + wd * value[i]);
        grad[i] = 0;
      }
    }
  }

  /** ONNX graph: input [batch, 1, 28, 28] -> ... -> Softmax -> output [batch, classes]. */
  toOnnx(g: GraphBuilder, input: string, output: string): void {
    let h = input;
    let flat = false; // is the current value [batch, features]?
    for (const layer of this.layers) {
      if (layer instanceof Dense && !flat) h = g.node('Flatten', [h], { axis: 1 });
      if (layer instanceof Dense) flat = true;
      else if (!(layer instanceof Relu)) flat = false;
      h = layer.toOnnx(g, h);
    }
    g.node('Softmax', [h], { axis: 1 }, output);
  }

  describe(): string {
    return this.layers.map((l) => l.describe()).join(' -> ') + ' -> Softmax';
  }
}
