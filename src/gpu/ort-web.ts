/**
 * onnxruntime-web for the browser engine: WebGPU when the page has an adapter, else WASM
 * (multi-threaded when the page is cross-origin isolated). Each provider loads its own build:
 * `onnxruntime-web/webgpu` for WebGPU, the smaller and faster `onnxruntime-web/wasm` for the CPU.
 */
import type { ExecutionProvider } from '../workers/engine.ts';
import type { OrtModule, OrtPlatform } from '../workers/ort-engine.ts';
import { probeGpu } from './adapter.ts';

export interface BrowserPlatformOptions {
  /** Pretend there is no WebGPU (the user's choice, or a test of the fallback). */
  disableWebGpu?: boolean;
  /** WASM threads; default: up to 4 when cross-origin isolated, else 1. */
  threads?: number;
}

type OrtWeb = OrtModule & { env: { wasm: { numThreads?: number; proxy?: boolean } } };

export function browserOrtPlatform(options: BrowserPlatformOptions = {}): OrtPlatform {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = (globalThis.navigator?.hardwareConcurrency as number | undefined) ?? 1;
  const wasmThreads = options.threads ?? (isolated ? Math.max(1, Math.min(4, cores)) : 1);
  const builds = new Map<ExecutionProvider, Promise<OrtWeb>>();

  function configure(ort: OrtWeb): OrtWeb {
    ort.env.wasm.numThreads = wasmThreads;
    ort.env.wasm.proxy = false; // we already run inside a worker
    return ort;
  }

  return {
    autoOrder: ['webgpu', 'wasm'],
    loadOrt(provider) {
      let build = builds.get(provider);
      if (!build) {
        if (provider === 'webgpu') build = import('onnxruntime-web/webgpu').then((m) => configure(m as unknown as OrtWeb));
        else if (provider === 'wasm') build = import('onnxruntime-web/wasm').then((m) => configure(m as unknown as OrtWeb));
        else return Promise.reject(new Error(`provider ${provider} does not exist in the browser`));
        builds.set(provider, build);
      }
      return build;
    },
    async unavailable(provider) {
      if (provider === 'cpu') return 'the browser runs the CPU through WASM: use provider "wasm"';
      if (provider === 'wasm') return typeof WebAssembly === 'object' ? null : 'this browser has no WebAssembly';
      if (options.disableWebGpu) return 'WebGPU is turned off';
      const gpu = await probeGpu();
      return gpu.webgpu ? null : (gpu.reason ?? 'no WebGPU adapter');
    },
    threads: (provider) => (provider === 'wasm' ? wasmThreads : 1),
    now: () => performance.now(),
  };
}
