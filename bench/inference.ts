/**
 * Inference throughput, the same models and inputs everywhere, in one run: onnxruntime-node
 * (1 and 2 threads), browser WASM (1 and 2 threads, cross-origin isolated page) and browser
 * WebGPU (SwiftShader here: a CPU rasteriser, so it proves correctness, not speed). Every browser
 * figure is also shown as a ratio to native onnxruntime-node with the same thread count.
 */
import { readFileSync } from 'node:fs';
import { createOrtEngine } from '../src/workers/ort-engine.ts';
import type { TensorData } from '../src/workers/engine.ts';
import { nodeOrtPlatform } from '../relay/miner/ort-node.ts';
import { launchChromium } from '../tests/support/chromium.ts';
import { startAppServer } from '../tests/support/app-server.ts';
import { benchModels, type BenchModel } from './models.ts';
import { formatTable } from './table.ts';

interface Config {
  label: string;
  where: 'node' | 'browser';
  provider: 'cpu' | 'wasm' | 'webgpu';
  threads: number;
}

const configs: Config[] = [
  { label: 'node 1 thr', where: 'node', provider: 'cpu', threads: 1 },
  { label: 'node 2 thr', where: 'node', provider: 'cpu', threads: 2 },
  { label: 'wasm 1 thr', where: 'browser', provider: 'wasm', threads: 1 },
  { label: 'wasm 2 thr', where: 'browser', provider: 'wasm', threads: 2 },
  { label: 'webgpu', where: 'browser', provider: 'webgpu', threads: 1 },
];

const BATCHES = [1, 32];

function runsFor(config: Config): number {
  return config.provider === 'webgpu' ? 3 : 30;
}

async function nodeMedian(model: BenchModel, inputs: Record<string, TensorData>, threads: number, runs: number): Promise<number> {
  const engine = createOrtEngine(nodeOrtPlatform({ threads }));
  await engine.load(new Uint8Array(readFileSync(model.path)), { provider: 'cpu' });
  const result = await engine.benchmark(inputs, runs);
  await engine.dispose();
  return result.medianMs;
}

/** Float32 tensors as plain arrays, to cross into the page (values are exact: float32 ⊂ double). */
function toPlain(inputs: Record<string, TensorData>): Record<string, { dtype: string; dims: number[]; data: number[] }> {
  const out: Record<string, { dtype: string; dims: number[]; data: number[] }> = {};
  for (const [name, t] of Object.entries(inputs)) {
    if (t.dtype !== 'float32') throw new Error(`bench inputs must be float32; ${name} is ${t.dtype}`);
    out[name] = { dtype: t.dtype, dims: t.dims, data: Array.from(t.data as Float32Array) };
  }
  return out;
}

export async function benchInference(): Promise<string> {
  const models = benchModels().filter((m) => !m.name.endsWith('garbage')); // same graph as linear
  const [browser, app] = await Promise.all([launchChromium(), startAppServer()]);
  const rows: (string | number)[][] = [];
  try {
    const page = await browser.newPage();
    await page.goto(`${app.url}tests/browser/pages/inference.html`);
    await page.waitForFunction(() => (window as unknown as { webtensorReady?: boolean }).webtensorReady === true, null, { timeout: 60_000 });
    const isolated = await page.evaluate(() => crossOriginIsolated);
    if (!isolated) throw new Error('the bench page is not cross-origin isolated: browser WASM would run one thread');
    for (const model of models) {
      for (const batch of BATCHES) {
        const inputs = model.inputs(batch);
        const medians: Record<string, number> = {};
        for (const config of configs) {
          if (config.where === 'node') {
            medians[config.label] = await nodeMedian(model, inputs, config.threads, runsFor(config));
            continue;
          }
          medians[config.label] = await page.evaluate(
            async ({ url, provider, threads, plainInputs, runs }) => {
              const w = (window as unknown as { webtensor: any }).webtensor;
              const inputs = Object.fromEntries(
                Object.entries(plainInputs).map(([name, t]) => [name, { dtype: t.dtype, dims: t.dims, data: Float32Array.from(t.data) }]),
              );
              const engine = await w.createWorkerEngine({ threads, disableWebGpu: provider !== 'webgpu' });
              try {
                const { bytes } = await w.fetchModel(url, { cacheName: null });
                await engine.load(bytes, { provider });
                return (await engine.benchmark(inputs, runs)).medianMs as number;
              } finally {
                engine.terminate();
              }
            },
            { url: model.url, provider: config.provider, threads: config.threads, plainInputs: toPlain(inputs), runs: runsFor(config) },
          );
        }
        const n1 = medians['node 1 thr'];
        const n2 = medians['node 2 thr'];
        rows.push([
          model.name,
          batch,
          n1,
          n2,
          medians['wasm 1 thr'],
          `${(n1 / medians['wasm 1 thr']).toFixed(2)}×`,
          medians['wasm 2 thr'],
          `${(n2 / medians['wasm 2 thr']).toFixed(2)}×`,
          medians.webgpu,
          `${(n1 / medians.webgpu).toFixed(4)}×`,
        ]);
      }
    }
  } finally {
    await browser.close();
    await app.close();
  }
  return [
    '## Inference: median ms per batch; "×" = throughput relative to onnxruntime-node with the same threads (1.00× = native)',
    formatTable(['model', 'batch', 'node 1thr', 'node 2thr', 'wasm 1thr', 'vs node', 'wasm 2thr', 'vs node', 'webgpu (swiftshader)', 'vs node 1thr'], rows),
  ].join('\n');
}
