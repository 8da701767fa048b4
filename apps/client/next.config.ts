import type { NextConfig } from 'next'

// The launcher runs a bare `next build` / `next start`: telemetry is off whichever way the client is started.
process.env.NEXT_TELEMETRY_DISABLED = '1'

const config: NextConfig = {
  poweredByHeader: false,
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
