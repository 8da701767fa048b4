#!/usr/bin/env node
// `npm start` on a machine that may have nothing installed yet: installs the npm dependencies when they are
// missing or older than the lockfile, then runs the launcher (src/cli.ts). Plain JavaScript with no
// dependencies, because it runs before there are any.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { installDependencies } from './install-dependencies.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
installDependencies()

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
