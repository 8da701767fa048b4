#!/usr/bin/env node
// `npm start` on a machine that may have nothing installed yet: installs the npm dependencies when they are
// missing or older than the lockfile, compiles the launcher (src/, and the packages it uses) when it changed,
// then runs it in this very process. Plain JavaScript with no dependencies, because it runs before there are
// any; no tsx, so the launcher costs one small Node.js process while the stack runs.
import { buildLauncher } from './build-launcher.mjs'
import { installDependencies } from './install-dependencies.mjs'

installDependencies()
buildLauncher()
await import('./dist/cli.js')
