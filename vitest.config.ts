import { defineConfig } from 'vitest/config'

// Workspace packages resolve to their TypeScript source in tests (the "@ticketing/source" export condition),
// so a change in packages/common is seen without a build.
const conditions = ['@ticketing/source', 'module', 'node', 'development|production']

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['{packages,services,apps,tools,tests}/*/test/**/*.test.ts'],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    reporters: ['default', './tools/vitest/summary-reporter.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    allowOnly: false,
  },
})
