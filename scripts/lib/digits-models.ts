/**
 * The digits subnet's reference models: architectures, training budgets and seeds. Training
 * streams fresh images from the subnet's own generator (seeds under `webtensor/digits/train/`),
 * in a fixed order, so `buildDigitsModel(tier)` returns the same ONNX bytes on every run.
 */
import { generateDigits, NUM_CLASSES, PIXELS } from '../../src/subnets/digits/generator.ts';
import { DIGITS_CONTRACT } from '../../src/subnets/digits/contract.ts';
import { Rng } from '../../src/subnets/rng.ts';
import { Conv2d, Dense, MaxPool2, Relu, Sequential } from './nn.ts';
import { GraphBuilder, OPSET } from './onnx-writer.ts';

export type DigitsTier = 'garbage' | 'linear' | 'mlp' | 'cnn';
export const DIGITS_TIERS: readonly DigitsTier[] = ['garbage', 'linear', 'mlp', 'cnn'];

interface TrainPlan {
  samples: number;
  batch: number;
  lr: number;
  /** Learning rate at the end (linear decay from lr). */
  lrEnd: number;
  weightDecay: number;
}

interface TierDef {
  description: string;
  build(rng: Rng): Sequential;
  /** null: not trained (the garbage model keeps its random weights). */
  train: TrainPlan | null;
}

export const TIER_DEFS: Record<DigitsTier, TierDef> = {
  garbage: {
    description: 'untrained softmax regression with large random weights: confident and at chance',
    build: (rng) => new Sequential([new Dense(PIXELS, NUM_CLASSES, rng, 6)]),
    train: null,
  },
  linear: {
    description: 'softmax regression (Flatten, Gemm, Softmax)',
    build: (rng) => new Sequential([new Dense(PIXELS, NUM_CLASSES, rng, 0.1)]),
    train: { samples: 20_000, batch: 50, lr: 0.01, lrEnd: 0.001, weightDecay: 0 },
  },
  mlp: {
    description: 'one hidden layer of 64 ReLU units (Flatten, Gemm, Relu, Gemm, Softmax)',
    build: (rng) => new Sequential([new Dense(PIXELS, 64, rng), new Relu(64), new Dense(64, NUM_CLASSES, rng)]),
    train: { samples: 50_000, batch: 50, lr: 0.003, lrEnd: 0.0002, weightDecay: 0 },
  },
  cnn: {
    description: 'Conv 5x5x8, Relu, MaxPool, Conv 3x3x16, Relu, MaxPool, Gemm, Softmax',
    build: (rng) =>
      new Sequential([
        new Conv2d(1, 8, 28, 28, 5, 2, rng),
        new Relu(8 * 28 * 28),
        new MaxPool2(8, 28, 28),
        new Conv2d(8, 16, 14, 14, 3, 1, rng),
        new Relu(16 * 14 * 14),
        new MaxPool2(16, 14, 14),
        new Dense(16 * 7 * 7, NUM_CLASSES, rng),
      ]),
    train: { samples: 40_000, batch: 32, lr: 0.006, lrEnd: 0.0002, weightDecay: 0 },
  },
};

export interface BuiltModel {
  tier: DigitsTier;
  bytes: Uint8Array;
  params: number;
  architecture: string;
  description: string;
  trainSamples: number;
  /** Running training accuracy over the last 10 % of the samples (a progress figure, not a test). */
  finalTrainAccuracy: number;
  trainMs: number;
}

const CHUNK = 1000;

export function buildDigitsModel(tier: DigitsTier, onProgress?: (message: string) => void): BuiltModel {
  const def = TIER_DEFS[tier];
  const model = def.build(new Rng(`webtensor/digits/init/${tier}`));
  const start = performance.now();
  let finalCorrect = 0, finalSeen = 0;
  const plan = def.train;
  if (plan) {
    const steps = Math.floor(plan.samples / plan.batch);
    const x = new Float64Array(PIXELS);
    let chunk = generateDigits(`webtensor/digits/train/${tier}/0`, CHUNK);
    let chunkIndex = 0, pos = 0;
    for (let step = 0; step < steps; step++) {
      for (let b = 0; b < plan.batch; b++) {
        if (pos === CHUNK) {
          chunkIndex++;
          chunk = generateDigits(`webtensor/digits/train/${tier}/${chunkIndex}`, CHUNK);
          pos = 0;
        }
        for (let i = 0; i < PIXELS; i++) x[i] = chunk.inputs[pos * PIXELS + i];
        const label = chunk.labels[pos++];
        const p = model.learn(x, label);
        if (step >= steps * 0.9) {
          let arg = 0;
          for (let k = 1; k < p.length; k++) if (p[k] > p[arg]) arg = k;
          finalSeen++;
          if (arg === label) finalCorrect++;
        }
      }
      const t = step / steps;
      model.adamStep(plan.batch, { lr: plan.lr * (1 - t) + plan.lrEnd * t, weightDecay: plan.weightDecay });
      if (onProgress && (step + 1) % Math.max(1, Math.floor(steps / 10)) === 0) {
        onProgress(`${tier}: step ${step + 1}/${steps} (${((performance.now() - start) / 1000).toFixed(1)} s)`);
      }
    }
  }
  const g = new GraphBuilder();
  const input = DIGITS_CONTRACT.inputs[0];
  const output = DIGITS_CONTRACT.outputs[0];
  model.toOnnx(g, input.name, output.name);
  const bytes = g.encode({
    graphName: `webtensor-digits-${tier}`,
    input: { name: input.name, shape: input.shape },
    output: { name: output.name, shape: output.shape },
    docString: `webtensor digits subnet reference model "${tier}": ${def.description}. Made by scripts/make-models.ts.`,
    metadata: { subnet: 'digits', tier, opset: String(OPSET) },
  });
  return {
    tier,
    bytes,
    params: model.paramCount,
    architecture: model.describe(),
    description: def.description,
    trainSamples: plan ? Math.floor(plan.samples / plan.batch) * plan.batch : 0,
    finalTrainAccuracy: finalSeen ? finalCorrect / finalSeen : 0,
    trainMs: performance.now() - start,
  };
}
