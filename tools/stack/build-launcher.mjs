// Compiles the launcher and what it imports (packages/common, apps/gateway) with tsc when their sources are
// newer than their last build: start.mjs then runs the compiled launcher, with no TypeScript loader.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const require = createRequire(import.meta.url)

/** In build order: each after what it imports. */
const WORKSPACES = ['packages/common', 'apps/gateway', 'tools/stack']

function newestChange(target) {
  let info
  try {
    info = statSync(target)
  } catch {
    return 0
  }
  if (!info.isDirectory()) return info.mtimeMs
  return Math.max(0, ...readdirSync(target).map((entry) => newestChange(path.join(target, entry))))
}

const builtAt = (workspace) => newestChange(path.join(root, workspace, 'dist', '.tsbuildinfo'))

export function buildLauncher() {
  const tsc = require.resolve('typescript/bin/tsc')
  let upstream = 0
  for (const workspace of WORKSPACES) {
    const directory = path.join(root, workspace)
    const sources = Math.max(
      newestChange(path.join(directory, 'src')),
      newestChange(path.join(directory, 'tsconfig.build.json')),
      upstream,
    )
    if (builtAt(workspace) < sources) {
      process.stdout.write(`▸ building ${workspace}\n`)
      const built = spawnSync(process.execPath, [tsc, '-p', path.join(directory, 'tsconfig.build.json')], {
        cwd: root,
        stdio: 'inherit',
      })
      if (built.status !== 0) process.exit(built.status ?? 1)
    }
    upstream = builtAt(workspace)
  }
}
