#!/usr/bin/env node
// `npm test`'s pretest, so that a fresh clone needs nothing but `npm test`: installs the npm dependencies
// when they are missing or stale, and Debian's Chromium for the browser tests when it is missing (as root;
// otherwise it says what to install). The servers the tests use are checked by the test run itself.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { installDependencies } from './install-dependencies.mjs'

installDependencies()

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(chromium)) {
  if (process.getuid?.() !== 0) {
    process.stderr.write(
      `The browser tests need Chromium at ${chromium}: install Debian's package (apt-get install chromium) ` +
        'or set CHROMIUM_PATH.\n',
    )
    process.exit(1)
  }
  process.stdout.write("▸ installing Chromium for the browser tests (Debian's package)\n")
  const apt = (args) =>
    spawnSync('apt-get', args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0
  if (!apt(['update', '-qq']) || !apt(['install', '-y', '-qq', 'chromium'])) process.exit(1)
}
