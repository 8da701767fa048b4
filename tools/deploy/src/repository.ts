import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import type { RepositoryFile, SkaffoldConfig } from './checks.js'
import { repositoryRoot } from './secrets.js'

const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: repositoryRoot, encoding: 'utf8' }).split('\n').filter(Boolean)

/** The files under deploy/ (and skaffold.yaml) that git tracks or would add: what could be committed. */
export function deployFiles(): RepositoryFile[] {
  const paths = new Set([
    ...git('ls-files', '--', 'deploy', 'skaffold.yaml'),
    ...git('ls-files', '--others', '--exclude-standard', '--', 'deploy', 'skaffold.yaml'),
  ])
  return [...paths].map((file) => ({
    path: file,
    content: readFileSync(path.join(repositoryRoot, file), 'utf8'),
  }))
}

/** Whether git ignores a path of the repository. */
export function isIgnoredByGit(file: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '-q', '--no-index', file], { cwd: repositoryRoot })
    return true
  } catch {
    return false
  }
}

export function readSkaffold(): SkaffoldConfig {
  return parse(readFileSync(path.join(repositoryRoot, 'skaffold.yaml'), 'utf8')) as SkaffoldConfig
}
