/**
 * What this browser's GPU can do for a miner: whether WebGPU exists, which adapter it gives, and
 * the features and limits that decide which execution provider and models can run.
 */
export interface GpuProbe {
  webgpu: boolean;
  /** Why WebGPU is unavailable, when it is (no `navigator.gpu`, no adapter, an error). */
  reason?: string;
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** True for software adapters (SwiftShader, fallback adapters): correct but slow. */
  software?: boolean;
  features: string[];
  maxBufferSize?: number;
  maxStorageBufferBindingSize?: number;
}

/** Minimal structural types, so this module needs no WebGPU type package. */
interface AdapterLike {
  info?: { vendor: string; architecture: string; device: string; description: string };
  features: Iterable<string>;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}

export async function probeGpu(nav = globalThis.navigator as { gpu?: unknown } | undefined): Promise<GpuProbe> {
  const gpu = nav?.gpu as GpuLike | undefined;
  if (!gpu) return { webgpu: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)', features: [] };
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { webgpu: false, reason: `requestAdapter failed: ${(error as Error).message}`, features: [] };
  }
  if (!adapter) return { webgpu: false, reason: 'WebGPU is present but no GPU adapter was granted', features: [] };
  const info = adapter.info ?? { vendor: '', architecture: '', device: '', description: '' };
  const software = adapter.isFallbackAdapter === true || /swiftshader|llvmpipe|software/i.test(`${info.architecture} ${info.description} ${info.vendor}`);
  return {
    webgpu: true,
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software,
    features: [...adapter.features].sort(),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}
