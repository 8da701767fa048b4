/**
 * `npm run deploy:check`: renders deploy/k8s/overlays/dev and prod with `kubectl kustomize` (secrets generated
 * into a temporary copy) and runs every check; exits 1 naming each problem.
 */
import { kubectl } from './render.js'
import { runChecks } from './run.js'

if (!kubectl()) {
  process.stderr.write('kubectl is not installed (or set KUBECTL): the manifests cannot be rendered\n')
  process.exit(1)
}
const problems = await runChecks()
if (problems.length > 0) {
  process.stderr.write(`${problems.map((problem) => `✗ ${problem}`).join('\n')}\n`)
  process.exit(1)
}
process.stdout.write('deploy/k8s: dev and prod render and pass every check\n')
