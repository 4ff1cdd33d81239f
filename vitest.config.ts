import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Chain and browser tests start real processes; give them room but keep one run bounded.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: real-runtime and real-browser suites must not fight each other for CPU.
    fileParallelism: false,
    reporters: ['default'],
  },
});
