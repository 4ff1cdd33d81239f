/**
 * The test browser must expose a real WebGPU adapter: every WebGPU inference test depends on it,
 * so this fails loudly (with the browser's own reason) when it does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';

describe('WebGPU in headless Chromium', () => {
  let browser: Browser;
  let app: AppServer;

  beforeAll(async () => {
    [browser, app] = await Promise.all([launchChromium(), startAppServer()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('grants a real adapter and can run a compute shader on it', async () => {
    const page = await browser.newPage();
    await page.goto(app.url);
    const result = await page.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: any }).gpu;
      if (!gpu) return { error: 'navigator.gpu is missing' };
      const adapter = await gpu.requestAdapter();
      if (!adapter) return { error: 'requestAdapter() returned null' };
      const device = await adapter.requestDevice();
      // Double 4 numbers on the GPU and read them back: proves the adapter computes, not just exists.
      const module = device.createShaderModule({
        code: `@group(0) @binding(0) var<storage, read_write> data: array<f32>;
               @compute @workgroup_size(4) fn main(@builtin(global_invocation_id) id: vec3<u32>) {
                 data[id.x] = data[id.x] * 2.0;
               }`,
      });
      const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      const input = new Float32Array([1, 2, 3, 4.5]);
      const storage = device.createBuffer({ size: 16, usage: 0x80 | 0x4 | 0x8 }); // STORAGE|COPY_SRC|COPY_DST
      const readback = device.createBuffer({ size: 16, usage: 0x1 | 0x8 }); // MAP_READ|COPY_DST
      device.queue.writeBuffer(storage, 0, input);
      const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: storage } }] });
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(1);
      pass.end();
      encoder.copyBufferToBuffer(storage, 0, readback, 0, 16);
      device.queue.submit([encoder.finish()]);
      await readback.mapAsync(1);
      const out = Array.from(new Float32Array(readback.getMappedRange().slice(0)));
      return { vendor: adapter.info.vendor, architecture: adapter.info.architecture, out };
    });
    expect(result, JSON.stringify(result)).not.toHaveProperty('error');
    expect(result.vendor).toBeTruthy();
    expect(result.architecture).toBeTruthy();
    expect(result.out).toEqual([2, 4, 6, 9]);
  });

  it('shows the adapter in the app, served cross-origin isolated', async () => {
    const page = await browser.newPage();
    await page.goto(app.url);
    await expect.poll(() => page.getByTestId('webgpu').textContent(), { timeout: 30_000 }).toBe('available');
    expect(await page.getByTestId('gpu-architecture').textContent()).toMatch(/\S/);
    expect(await page.getByTestId('isolated').textContent()).toMatch(/^yes/);
  });

  it('says plainly when there is no WebGPU adapter', async () => {
    const plain = await launchChromium({ webgpu: false, extraArgs: ['--disable-features=WebGPU', '--disable-gpu'] });
    try {
      const page = await plain.newPage();
      await page.goto(app.url);
      await expect.poll(() => page.getByTestId('webgpu').textContent(), { timeout: 30_000 }).toBe('unavailable');
    } finally {
      await plain.close();
    }
  });
});
