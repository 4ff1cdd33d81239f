/**
 * Real headless Chromium for tests: Debian's /usr/bin/chromium driven by playwright-core, with the
 * flags that give it a real WebGPU adapter through SwiftShader (see README, "Testing").
 * Playwright gives each launch a fresh temporary profile (user data dir).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const webgpuFlags = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

export const quietFlags = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumOptions {
  /** Give the browser a WebGPU adapter (default true). False leaves WebGPU off. */
  webgpu?: boolean;
  extraArgs?: string[];
}

export async function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH`);
  }
  const args = [...quietFlags, ...(options.webgpu === false ? [] : webgpuFlags), ...(options.extraArgs ?? [])];
  const launchOptions: LaunchOptions = { executablePath: chromiumPath, headless: true, args, timeout: 60_000 };
  return chromium.launch(launchOptions);
}
