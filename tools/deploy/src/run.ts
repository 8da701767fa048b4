import {
  busProblems,
  configProblems,
  containerProblems,
  imageProblems,
  ingressProblems,
  natsServerProblems,
  networkPolicyProblems,
  overlayProblems,
  schemaProblems,
  secretProblems,
} from './checks.js'
import { overlays, renderOverlays } from './render.js'
import { deployFiles, isIgnoredByGit, readSkaffold } from './repository.js'

/** Every check over every overlay, as `check: problem` lines; an empty list passes. */
export async function runChecks(): Promise<string[]> {
  const rendered = await renderOverlays()
  const skaffold = readSkaffold()
  const problems: string[] = []
  for (const overlay of overlays) {
    const objects = rendered[overlay]
    const named = (check: string, found: string[]) =>
      problems.push(...found.map((p) => `${overlay} ${check}: ${p}`))
    named('schema', await schemaProblems(objects))
    named('config', configProblems(objects))
    named('bus', busProblems(objects))
    named('nats', natsServerProblems(objects))
    named('ingress', ingressProblems(objects))
    named('containers', containerProblems(objects))
    named('network', networkPolicyProblems(objects))
    named('images', imageProblems(objects, skaffold))
    named('overlay', overlayProblems(objects, overlay))
  }
  problems.push(...secretProblems(deployFiles(), isIgnoredByGit).map((p) => `repository secrets: ${p}`))
  return problems
}
