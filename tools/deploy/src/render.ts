import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseAllDocuments } from 'yaml'
import { repositoryRoot, writeSecretFiles } from './secrets.js'

/** A rendered Kubernetes object; the checks read what they need from it. */
export interface K8sObject {
  apiVersion: string
  kind: string
  metadata: {
    name: string
    namespace?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are free-form; checks narrow them
  [field: string]: any
}

export const overlays = ['dev', 'prod'] as const
export type Overlay = (typeof overlays)[number]

/** The kubectl that renders (its built-in kustomize), or null when there is none on this machine. */
export function kubectl(): string | null {
  for (const candidate of [process.env.KUBECTL, 'kubectl'].filter(Boolean) as string[]) {
    try {
      execFileSync(candidate, ['version', '--client'], { stdio: 'ignore' })
      return candidate
    } catch {
      // not this one
    }
  }
  return null
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null)
}

/** `kubectl kustomize` of a folder, as objects. */
export function renderFolder(folder: string, binary = kubectl()): K8sObject[] {
  if (!binary) throw new Error('kubectl is not installed: the manifests cannot be rendered')
  const text = execFileSync(binary, ['kustomize', folder], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  return parseManifests(text)
}

/**
 * Renders every overlay from a copy of deploy/k8s whose secrets folder is filled with freshly generated
 * values (as `npm run keys` makes them), so the check never needs, reads or leaves real secrets.
 */
export async function renderOverlays(): Promise<Record<Overlay, K8sObject[]>> {
  const copy = mkdtempSync(path.join(tmpdir(), 'ticketing-k8s-'))
  try {
    cpSync(path.join(repositoryRoot, 'deploy/k8s'), copy, {
      recursive: true,
      filter: (source) => !source.includes(`${path.sep}secrets`),
    })
    await writeSecretFiles(path.join(copy, 'base/secrets'), { force: true })
    const binary = kubectl()
    return Object.fromEntries(
      overlays.map((overlay) => [overlay, renderFolder(path.join(copy, 'overlays', overlay), binary)]),
    ) as Record<Overlay, K8sObject[]>
  } finally {
    rmSync(copy, { recursive: true, force: true })
  }
}
