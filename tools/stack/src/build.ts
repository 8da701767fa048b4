import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { promisify } from 'node:util'
import type { StackOutput } from './output.js'

const run = promisify(execFile)
const require = createRequire(import.meta.url)

/** Newest modification time of the files under a path (skipping dependencies and outputs). */
async function newestChange(target: string): Promise<number> {
  const info = await stat(target).catch(() => undefined)
  if (!info) return 0
  if (!info.isDirectory()) return info.mtimeMs
  let newest = 0
  for (const entry of await readdir(target)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === '.next') continue
    newest = Math.max(newest, await newestChange(path.join(target, entry)))
  }
  return newest
}

async function isStale(sources: string[], output: string): Promise<boolean> {
  const built = await stat(output).then(
    (info) => info.mtimeMs,
    () => 0,
  )
  if (built === 0) return true
  const changed = await Promise.all(sources.map(newestChange))
  return changed.some((time) => time > built)
}

/**
 * Compiles a workspace with tsc when its sources changed since its last build. The build is incremental
 * (dist/.tsbuildinfo), so a second start with nothing changed skips it in milliseconds.
 */
export async function buildTypeScript(
  root: string,
  workspace: string,
  output: StackOutput,
  dependsOn: string[] = [],
): Promise<void> {
  const directory = path.join(root, workspace)
  const stamp = path.join(directory, 'dist', '.tsbuildinfo')
  const sources = [path.join(directory, 'src'), path.join(directory, 'tsconfig.build.json')]
  const upstream = dependsOn.map((other) => path.join(root, other, 'dist', '.tsbuildinfo'))
  if (!(await isStale([...sources, ...upstream], stamp))) return
  output.notice(`building ${workspace}`)
  const tsc = require.resolve('typescript/bin/tsc')
  try {
    await run(process.execPath, [tsc, '-p', path.join(directory, 'tsconfig.build.json')], { cwd: root })
  } catch (error) {
    const { stdout = '' } = error as { stdout?: string }
    throw new Error(`building ${workspace} failed:\n${stdout}`, { cause: error })
  }
}

/** `next build` for the client when its sources changed since the last one. */
export async function buildClient(root: string, output: StackOutput): Promise<void> {
  const directory = path.join(root, 'apps/client')
  const stamp = path.join(directory, '.next', 'BUILD_ID')
  if (!(await isStale([directory], stamp))) return
  output.notice('building the web client (next build; a minute on a small machine)')
  try {
    await run(process.execPath, [nextBin(root), 'build'], {
      cwd: directory,
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      maxBuffer: 16 * 1024 * 1024,
    })
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new Error(`building the web client failed:\n${stdout}${stderr}`, { cause: error })
  }
}

export function nextBin(root: string): string {
  const local = path.join(root, 'node_modules/next/dist/bin/next')
  return existsSync(local) ? local : require.resolve('next/dist/bin/next')
}
