/**
 * Fetching models for the engine: download with progress, sha256 check against the task spec,
 * and Cache Storage so a second visit loads offline. Works in pages and workers (and in Node,
 * where there is no Cache Storage and caching is skipped).
 */
import { sha256Hex } from '../subnets/sha256.ts';
import { InferenceError } from '../workers/engine.ts';

export interface ModelProgress {
  loaded: number;
  /** Total bytes when the server said (Content-Length), else undefined. */
  total?: number;
  source: 'network' | 'cache';
}

export interface FetchModelOptions {
  /** Expected sha256 (hex). When given, bytes that do not match are rejected and never cached. */
  sha256?: string;
  onProgress?: (progress: ModelProgress) => void;
  /** Cache Storage bucket; set to null to bypass the cache. */
  cacheName?: string | null;
  signal?: AbortSignal;
}

export interface FetchedModel {
  bytes: Uint8Array;
  sha256: string;
  fromCache: boolean;
}

export const MODEL_CACHE = 'webtensor-models-v1';

async function openCache(name: string | null | undefined): Promise<Cache | null> {
  if (name === null || typeof caches === 'undefined') return null;
  try {
    return await caches.open(name ?? MODEL_CACHE);
  } catch {
    return null; // e.g. an opaque origin: fetch without caching
  }
}

async function readWithProgress(response: Response, onProgress: FetchModelOptions['onProgress'], source: ModelProgress['source']): Promise<Uint8Array> {
  const header = response.headers.get('content-length');
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onProgress?.({ loaded: bytes.byteLength, total, source });
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress?.({ loaded, total, source });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress?.({ loaded, total, source });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

export async function fetchModel(url: string, options: FetchModelOptions = {}): Promise<FetchedModel> {
  const expected = options.sha256?.toLowerCase();
  const cache = await openCache(options.cacheName);
  const cached = await cache?.match(url);
  if (cached) {
    const bytes = await readWithProgress(cached, options.onProgress, 'cache');
    const digest = sha256Hex(bytes);
    if (!expected || digest === expected) return { bytes, sha256: digest, fromCache: true };
    await cache?.delete(url); // stale or corrupt: fetch it again
  }
  let response: Response;
  try {
    response = await fetch(url, { signal: options.signal });
  } catch (error) {
    throw new InferenceError('fetch', `cannot download the model from ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new InferenceError('fetch', `cannot download the model from ${url}: HTTP ${response.status}`);
  const bytes = await readWithProgress(response, options.onProgress, 'network');
  const digest = sha256Hex(bytes);
  if (expected && digest !== expected) {
    throw new InferenceError('integrity', `the model from ${url} has sha256 ${digest}, expected ${expected}: refusing it`);
  }
  await cache?.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) } }));
  return { bytes, sha256: digest, fromCache: false };
}
