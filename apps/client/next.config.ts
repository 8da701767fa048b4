import path from 'node:path'
import type { NextConfig } from 'next'

// The launcher runs a bare `next build` / `next start`: telemetry is off whichever way the client is started.
process.env.NEXT_TELEMETRY_DISABLED = '1'

const config: NextConfig = {
  poweredByHeader: false,
  // The image (deploy/docker/client.Dockerfile) runs a standalone build: the server and only the files it
  // traces, from the workspace root. `npm start` keeps `next start`, which a standalone build does not serve.
  ...(process.env.NEXT_OUTPUT === 'standalone' && {
    output: 'standalone' as const,
    outputFileTracingRoot: path.join(import.meta.dirname, '../..'),
  }),
  reactStrictMode: true,
  // `npm run typecheck` at the root checks this project; the build need not do it again on a 2-core machine.
  typescript: { ignoreBuildErrors: true },
  // Pages always read the signed-in user's cookies: nothing is prerendered with someone's data.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
        ],
      },
    ]
  },
}

export default config
