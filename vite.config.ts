import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/**
 * Cross-origin isolation (COOP/COEP) lets onnxruntime-web run multi-threaded WASM; every server
 * that hosts the app (dev, preview, the relay's static server) sends the same two headers.
 */
export const crossOriginIsolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

export default defineConfig({
  plugins: [svelte()],
  server: { host: '127.0.0.1', headers: crossOriginIsolationHeaders },
  preview: { host: '127.0.0.1', headers: crossOriginIsolationHeaders },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  build: { target: 'es2022' },
});
