#!/usr/bin/env node
// `npm start` on a machine that may have nothing installed yet: installs the npm dependencies when they are
// missing or older than the lockfile, then runs the launcher (src/cli.ts). Plain JavaScript with no
// dependencies, because it runs before there are any.
import { spawn, spawnSync } from 'node:child_process'
import { statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const mtime = (file) => {
  try {
    return statSync(path.join(root, file)).mtimeMs
  } catch {
    return 0
  }
}

// npm writes node_modules/.package-lock.json after every install: older than the lockfile means stale.
if (mtime('node_modules/.package-lock.json') < mtime('package-lock.json')) {
  process.stdout.write('▸ installing npm dependencies (npm ci)\n')
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (npm.status !== 0) process.exit(npm.status ?? 1)
}

// The launcher runs in a process group of its own, so Ctrl-C reaches only it (through the handler below)
// and it can stop the services before the servers they use, instead of everything dying at once.
const launcher = spawn(
  process.execPath,
  ['--conditions=@ticketing/source', '--import', 'tsx', path.join(root, 'tools/stack/src/cli.ts')],
  { cwd: root, stdio: 'inherit', detached: true },
)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => launcher.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal))
}
launcher.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
