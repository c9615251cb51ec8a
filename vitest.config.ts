import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{core,commands,db,main,sync,printing,renderer,test}/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // Two cores, and PGlite takes ~1 GB per instance: keep the worker count low.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
