import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Real containers: a start, a crash, a restart and a clean stop take seconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
