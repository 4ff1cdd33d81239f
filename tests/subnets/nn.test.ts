import { describe, expect, it } from 'vitest';
import { Conv2d, Dense, MaxPool2, Relu, Sequential } from '../../scripts/lib/nn.ts';
import { GraphBuilder } from '../../scripts/lib/onnx-writer.ts';
import { Rng } from '../../src/subnets/rng.ts';

function tinyCnn(seed: string): Sequential {
  const rng = new Rng(seed);
  return new Sequential([
    new Conv2d(1, 3, 6, 6, 3, 1, rng),
    new Relu(3 * 36),
    new MaxPool2(3, 6, 6),
    new Conv2d(3, 2, 3, 3, 3, 1, rng),
    new Relu(2 * 9),
    new Dense(18, 5, rng),
    new Relu(5),
    new Dense(5, 4, rng),
  ]);
}

describe('training code', () => {
  it('backpropagates exact gradients through Conv, Relu, MaxPool and Dense (finite differences)', () => {
    const model = tinyCnn('gradcheck');
    const rng = new Rng('gradcheck-input');
    const x = Float64Array.from({ length: 36 }, () => rng.float());
    const label = 2;
    const loss = () => -Math.log(model.predict(x)[label]);
    model.learn(x, label);
    let checked = 0;
    for (const p of model.params) {
      for (let i = 0; i < p.value.length; i += 3) {
        const v = p.value[i];
        const h = 1e-6;
        p.value[i] = v + h;
        const up = loss();
        p.value[i] = v - h;
        const down = loss();
        p.value[i] = v;
        const numeric = (up - down) / (2 * h);
        expect(Math.abs(numeric - p.grad[i]), `${p.name}[${i}]`).toBeLessThan(1e-6 + 1e-4 * Math.abs(numeric));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('trains a conv net deterministically (same seed, same ONNX bytes)', () => {
    const encode = () => {
      const model = tinyCnn('determinism');
      const rng = new Rng('data');
      const x = new Float64Array(36);
      for (let step = 0; step < 20; step++) {
        for (let b = 0; b < 4; b++) {
          for (let i = 0; i < 36; i++) x[i] = rng.float();
          model.learn(x, rng.int(4));
        }
        model.adamStep(4, { lr: 0.01 });
      }
      const g = new GraphBuilder();
      model.toOnnx(g, 'image', 'probs');
      return g.encode({ graphName: 't', input: { name: 'image', shape: ['batch', 1, 6, 6] }, output: { name: 'probs', shape: ['batch', 4] }, docString: '', metadata: {} });
    };
    const a = encode();
    expect(encode()).toEqual(a);
    expect(a.length).toBeGreaterThan(100);
  });
});
