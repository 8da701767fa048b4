import { defineConfig } from 'vitest/config'

// Workspace packages resolve to their TypeScript source in tests (the "@ticketing/source" export condition),
// so a change in packages/common is seen without a build.
const conditions = ['@ticketing/source', 'module', 'node', 'development|production']

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['{packages,services,apps,tools,tests}/*/test/**/*.test.ts'],
    // Find or start the servers first (as npm start does), then check them and sweep up after crashed runs.
    globalSetup: ['tools/stack/src/test-servers.ts', 'packages/testing/src/global-setup.ts'],
    reporters: ['default', './tools/vitest/summary-reporter.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    allowOnly: false,
  },
})
