/**
 * The inference worker in real headless Chromium: every shipped model runs on WebGPU
 * (SwiftShader) and on WASM through the comlink worker, and agrees with onnxruntime-node; every
 * error path gives a clear error and leaves the worker usable.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createOrtEngine } from '../../src/workers/ort-engine.ts';
import type { TensorData } from '../../src/workers/engine.ts';
import { DIGITS_CONTRACT } from '../../src/subnets/digits/contract.ts';
import { nodeOrtPlatform } from '../../relay/miner/ort-node.ts';
import { benchModels } from '../../bench/models.ts';
import { DIGITS_MODEL_MANIFEST } from '../../src/subnets/digits/models.ts';
import { launchChromium } from '../support/chromium.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';

const TOLERANCE = 1e-4;
const models = benchModels(); // the shipped digits tiers and the real PP-OCR classifier
const cnn = DIGITS_MODEL_MANIFEST.models.find((m) => m.id === 'cnn')!;

type PlainTensor = { dtype: string; dims: number[]; data: number[] };
const plain = (inputs: Record<string, TensorData>): Record<string, PlainTensor> =>
  Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, { dtype: t.dtype, dims: t.dims, data: Array.from(t.data as Float32Array) }]));

/** Runs `body` in the page with `window.webtensor` (the real engine and loader) in scope. Source text, so no bundler rewrites it. */
function inPage<T>(page: Page, body: string, arg: unknown): Promise<T> {
  return page.evaluate(
    ([source, value]) => new Function('arg', `return (async () => { const w = window.webtensor; const toTensors = (p) => Object.fromEntries(Object.entries(p).map(([k, t]) => [k, { dtype: t.dtype, dims: t.dims, data: Float32Array.from(t.data) }])); ${source} })()`)(value),
    [body, arg] as const,
  ) as Promise<T>;
}

async function nodeReference(path: string, inputs: Record<string, TensorData>): Promise<Record<string, number[]>> {
  const engine = createOrtEngine(nodeOrtPlatform({ threads: 1 }));
  await engine.load(new Uint8Array(readFileSync(path)));
  const { outputs } = await engine.run(inputs);
  await engine.dispose();
  return Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, Array.from(t.data as Float32Array)]));
}

describe('inference worker in Chromium', () => {
  let browser: Browser;
  let app: AppServer;
  let page: Page;

  beforeAll(async () => {
    [browser, app] = await Promise.all([launchChromium(), startAppServer()]);
    page = await browser.newPage();
    await page.goto(`${app.url}tests/browser/pages/inference.html`);
    await page.waitForFunction(() => (window as unknown as { webtensorReady?: boolean }).webtensorReady === true, null, { timeout: 60_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  for (const provider of ['wasm', 'webgpu'] as const) {
    it(`runs every shipped model on ${provider} and matches onnxruntime-node`, async () => {
      for (const model of models) {
        const inputs = model.inputs(2);
        const expected = await nodeReference(model.path, inputs);
        const result = await inPage<{ provider: string; outputs: Record<string, number[]> }>(
          page,
          `const engine = await w.createWorkerEngine({ disableWebGpu: arg.provider !== 'webgpu' });
           try {
             const { bytes } = await w.fetchModel(arg.url, { cacheName: null });
             const info = await engine.load(bytes, { provider: arg.provider });
             const { outputs } = await engine.run(toTensors(arg.inputs));
             return { provider: info.provider, outputs: Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, Array.from(t.data)])) };
           } finally { engine.terminate(); }`,
          { url: model.url, provider, inputs: plain(inputs) },
        );
        expect(result.provider, model.name).toBe(provider);
        expect(Object.keys(result.outputs)).toEqual(Object.keys(expected));
        for (const [name, values] of Object.entries(expected)) {
          const got = result.outputs[name];
          expect(got.length, `${model.name} ${name}`).toBe(values.length);
          const maxDiff = Math.max(...values.map((v, i) => Math.abs(v - got[i])));
          expect(maxDiff, `${model.name} ${name} on ${provider}`).toBeLessThan(TOLERANCE);
        }
      }
    }, 300_000);
  }

  it('gives clear errors and stays usable: bad bytes, wrong contract, wrong shapes', async () => {
    const inputs = plain(models[0].inputs(1));
    const result = await inPage<Record<string, string | number>>(
      page,
      `const engine = await w.createWorkerEngine({ disableWebGpu: true });
       const out = {};
       const attempt = async (key, fn) => { try { await fn(); out[key] = 'no error'; } catch (e) { out[key] = String(e.message); } };
       try {
         await attempt('badBytes', () => engine.load(new Uint8Array([8, 1, 18, 3, 1, 2, 3, 255, 255])));
         await attempt('empty', () => engine.load(new Uint8Array(0)));
         await attempt('runWithoutModel', () => engine.run(toTensors(arg.inputs)));
         const cls = (await w.fetchModel(arg.clsUrl, { cacheName: null })).bytes;
         await attempt('contract', () => engine.load(cls, { contract: arg.contract }));
         const digits = (await w.fetchModel(arg.url, { cacheName: null })).bytes;
         await engine.load(digits, { contract: arg.contract });
         await attempt('wrongShape', () => engine.run({ image: { dtype: 'float32', dims: [1, 1, 27, 28], data: new Float32Array(27 * 28) } }));
         await attempt('wrongName', () => engine.run({ pixels: { dtype: 'float32', dims: [1, 1, 28, 28], data: new Float32Array(784) } }));
         await attempt('wrongLength', () => engine.run({ image: { dtype: 'float32', dims: [1, 1, 28, 28], data: new Float32Array(10) } }));
         const after = await engine.run(toTensors(arg.inputs));
         out.afterErrors = after.outputs.probs.data.length;
       } finally { engine.terminate(); }
       return out;`,
      { inputs, url: models[0].url, clsUrl: models.at(-1)!.url, contract: DIGITS_CONTRACT },
    );
    expect(result.badBytes).toMatch(/cannot be loaded/);
    expect(result.empty).toMatch(/empty/);
    expect(result.runWithoutModel).toMatch(/no model is loaded/);
    expect(result.contract).toMatch(/does not fit the task: missing input "image"/);
    expect(result.wrongShape).toMatch(/shape \[1, 1, 27, 28\].*\[batch, 1, 28, 28\]/);
    expect(result.wrongName).toMatch(/unknown input "pixels"/);
    expect(result.wrongLength).toMatch(/784 elements\) but 10 values/);
    expect(result.afterErrors).toBe(10);
  }, 120_000);

  it('falls back to WASM when there is no adapter, and says why', async () => {
    const noGpu = await launchChromium({ webgpu: false, extraArgs: ['--disable-features=WebGPU', '--disable-gpu'] });
    try {
      const other = await noGpu.newPage();
      await other.goto(`${app.url}tests/browser/pages/inference.html`);
      await other.waitForFunction(() => (window as unknown as { webtensorReady?: boolean }).webtensorReady === true, null, { timeout: 60_000 });
      const info = await inPage<{ provider: string; fallbackReason?: string }>(
        other,
        `const engine = await w.createWorkerEngine();
         try { return await engine.load((await w.fetchModel(arg.url, { cacheName: null })).bytes); } finally { engine.terminate(); }`,
        { url: models[0].url },
      );
      expect(info.provider).toBe('wasm');
      expect(info.fallbackReason).toMatch(/^webgpu: /);
    } finally {
      await noGpu.close();
    }
  }, 120_000);

  it('checks sha256 before use, and a second load comes from Cache Storage', async () => {
    const result = await inPage<Record<string, unknown>>(
      page,
      `const out = {};
       try { await w.fetchModel(arg.url, { sha256: '0'.repeat(64), cacheName: 'integrity-test' }); out.mismatch = 'no error'; }
       catch (e) { out.mismatch = e.message; }
       out.cachedAfterMismatch = Boolean(await (await caches.open('integrity-test')).match(arg.url));
       const progress = [];
       const first = await w.fetchModel(arg.url, { sha256: arg.sha256, cacheName: 'integrity-test', onProgress: (p) => progress.push(p) });
       const second = await w.fetchModel(arg.url, { sha256: arg.sha256, cacheName: 'integrity-test' });
       out.first = { fromCache: first.fromCache, sha256: first.sha256, bytes: first.bytes.length };
       out.second = { fromCache: second.fromCache, bytes: second.bytes.length };
       out.progress = { count: progress.length, last: progress.at(-1) };
       return out;`,
      { url: `/${cnn.file}`, sha256: cnn.sha256 },
    );
    expect(result.mismatch).toMatch(/has sha256 [0-9a-f]{64}, expected 0{64}: refusing it/);
    expect(result.cachedAfterMismatch).toBe(false);
    expect(result.first).toEqual({ fromCache: false, sha256: cnn.sha256, bytes: cnn.bytes });
    expect(result.second).toEqual({ fromCache: true, bytes: cnn.bytes });
    expect(result.progress).toMatchObject({ last: { loaded: cnn.bytes, source: 'network' } });
  }, 60_000);
});
