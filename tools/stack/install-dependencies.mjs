#!/usr/bin/env node
// Installs the npm dependencies when they are missing or older than the lockfile: what `npm start` and
// `npm test` (its pretest) do first on a fresh clone. Plain JavaScript with no dependencies, because it runs
// before there are any.
import { spawnSync } from 'node:child_process'
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

/** Runs `npm ci` when needed; exits the process with npm's status if it fails. */
export function installDependencies() {
  // npm writes node_modules/.package-lock.json after every install: older than the lockfile means stale.
  if (mtime('node_modules/.package-lock.json') >= mtime('package-lock.json')) return
  process.stdout.write('▸ installing npm dependencies (npm ci)\n')
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (npm.status !== 0) process.exit(npm.status ?? 1)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) installDependencies()
