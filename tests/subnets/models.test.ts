import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web/wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DIGITS_CONTRACT,
  DIGITS_MODEL_MANIFEST,
  DIGITS_MODELS,
  digitsSubnet,
  pinProblem,
  sha256Hex,
  type DigitsTierName,
  type ScoreResult,
  type TensorData,
} from '../../src/subnets/index.ts';

const ROOT = join(import.meta.dirname, '../..');
const read = (file: string) => new Uint8Array(readFileSync(join(ROOT, file)));
/** Ops onnxruntime-web runs on both its WebGPU and WASM execution providers. */
const WEB_OPS = new Set(['Conv', 'Relu', 'MaxPool', 'Flatten', 'Gemm', 'Softmax']);
const TIERS: DigitsTierName[] = ['garbage', 'linear', 'mlp', 'cnn'];
const sessions = new Map<DigitsTierName, ort.InferenceSession>();

async function runNode(tier: DigitsTierName, image: TensorData): Promise<Record<string, TensorData>> {
  const out = await sessions.get(tier)!.run({ image: new ort.Tensor('float32', image.data as Float32Array, image.dims) });
  return { probs: { dtype: 'float32', dims: [...out.probs.dims], data: out.probs.data as Float32Array } };
}

beforeAll(async () => {
  for (const m of DIGITS_MODELS) sessions.set(m.tier, await ort.InferenceSession.create(read(m.file), { executionProviders: ['cpu'], intraOpNumThreads: 1 }));
});
afterAll(async () => {
  for (const s of sessions.values()) await s.release();
});

describe('shipped digits models', () => {
  it('are all in the manifest, worst first, and match models/digits/manifest.json', () => {
    expect(DIGITS_MODELS.map((m) => m.tier)).toEqual(TIERS);
    expect(JSON.parse(readFileSync(join(ROOT, 'models/digits/manifest.json'), 'utf8'))).toEqual(DIGITS_MODEL_MANIFEST);
    expect(DIGITS_MODEL_MANIFEST.contract).toEqual(DIGITS_CONTRACT);
    expect(digitsSubnet.referenceModels.map((m) => m.sha256)).toEqual(DIGITS_MODELS.map((m) => m.sha256));
  });

  for (const tier of TIERS) {
    it(`${tier}: file matches its pin, is small, uses web-safe ops at opset <= 17, and has the contract's I/O`, () => {
      const entry = DIGITS_MODELS.find((m) => m.tier === tier)!;
      const bytes = read(entry.file);
      expect(sha256Hex(bytes)).toBe(entry.sha256);
      expect(pinProblem(entry, bytes)).toBeNull();
      expect(pinProblem(entry, bytes.subarray(1))).toMatch(/bytes/);
      const tampered = bytes.slice();
      tampered[tampered.length - 1] ^= 1;
      expect(pinProblem(entry, tampered)).toMatch(/sha256/);
      expect(bytes.length).toBeLessThanOrEqual(1 << 20);

      const model = onnxProto.onnx.ModelProto.decode(bytes);
      expect(model.opsetImport.every((o) => Number(o.version) <= 17)).toBe(true);
      const ops = new Set(model.graph!.node!.map((n) => n.opType!));
      for (const op of ops) expect(WEB_OPS.has(op)).toBe(true);
      const session = sessions.get(tier)!;
      expect(session.inputNames).toEqual(['image']);
      expect(session.outputNames).toEqual(['probs']);
      const params = model.graph!.initializer!.reduce((n, t) => n + t.dims!.reduce((a: number, d) => a * Number(d), 1), 0);
      expect(params).toBe(entry.params);
    });
  }

  it('run any batch size, batch 1 included', async () => {
    for (const batch of [1, 3]) {
      const challenge = digitsSubnet.makeChallenge('batch-sizes', batch);
      for (const tier of TIERS) {
        const out = await runNode(tier, challenge.inputs.image);
        expect(out.probs.dims).toEqual([batch, 10]);
        expect(digitsSubnet.score(challenge, out).ok).toBe(true);
      }
    }
  });

  it('are ordered cnn > mlp > linear > garbage on fresh challenges, garbage at chance with score 0', async () => {
    const challenge = digitsSubnet.makeChallenge('tests/subnets/fresh-challenges', 1000);
    const results = {} as Record<DigitsTierName, ScoreResult>;
    for (const tier of TIERS) results[tier] = digitsSubnet.score(challenge, await runNode(tier, challenge.inputs.image));
    const table = Object.fromEntries(TIERS.map((t) => [t, { acc: results[t].metrics.accuracy, ll: results[t].metrics.meanLogLikelihood, score: results[t].score }]));
    for (const tier of TIERS) expect(results[tier].ok, JSON.stringify(table)).toBe(true);

    expect(results.cnn.score).toBeGreaterThan(results.mlp.score + 0.05);
    expect(results.mlp.score).toBeGreaterThan(results.linear.score + 0.1);
    expect(results.linear.score).toBeGreaterThan(results.garbage.score + 0.2);
    expect(results.cnn.metrics.accuracy).toBeGreaterThan(results.mlp.metrics.accuracy);
    expect(results.mlp.metrics.accuracy).toBeGreaterThan(results.linear.metrics.accuracy);
    expect(results.linear.metrics.accuracy).toBeGreaterThan(results.garbage.metrics.accuracy);

    expect(results.garbage.score).toBe(0);
    expect(results.garbage.metrics.accuracy).toBeGreaterThan(0.04);
    expect(results.garbage.metrics.accuracy).toBeLessThan(0.16);
    expect(results.cnn.metrics.accuracy).toBeGreaterThanOrEqual(0.95);

    // The manifest's figures (5000 other challenges) hold on these 1000 within sampling error.
    for (const m of DIGITS_MODELS) {
      expect(Math.abs(results[m.tier].metrics.accuracy - m.eval.accuracy), `${m.tier} ${JSON.stringify(table)}`).toBeLessThan(0.045);
      expect(Math.abs(results[m.tier].score - m.eval.score), `${m.tier} ${JSON.stringify(table)}`).toBeLessThan(0.06);
    }
  });

  it('give the same probabilities in onnxruntime-web (WASM) as in onnxruntime-node', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const challenge = digitsSubnet.makeChallenge('tests/subnets/web-vs-node', 16);
    const image = challenge.inputs.image;
    for (const m of DIGITS_MODELS) {
      const web = await ortWeb.InferenceSession.create(read(m.file), { executionProviders: ['wasm'] });
      try {
        const out = await web.run({ image: new ortWeb.Tensor('float32', image.data as Float32Array, image.dims) });
        const node = (await runNode(m.tier, image)).probs.data as Float32Array;
        const webProbs = out.probs.data as Float32Array;
        let maxDiff = 0;
        for (let i = 0; i < node.length; i++) maxDiff = Math.max(maxDiff, Math.abs(node[i] - webProbs[i]));
        expect(maxDiff, m.tier).toBeLessThan(1e-4);
      } finally {
        await web.release();
      }
    }
  });
});
