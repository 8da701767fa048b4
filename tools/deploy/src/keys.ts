/**
 * `npm run keys`: generates the secret values of the Kubernetes manifests (the JWT key pair, NATS, database
 * and Redis passwords; Stripe's keys from STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET if set) into
 * deploy/k8s/base/secrets, which git ignores. `--force` replaces files that are already there.
 */
import path from 'node:path'
import { repositoryRoot, secretsFolder, writeSecretFiles } from './secrets.js'

const force = process.argv.includes('--force')
const result = await writeSecretFiles(secretsFolder, {
  force,
  stripeSecretKey: process.env.STRIPE_SECRET_KEY,
  stripeWebhookSecret: process.env.STRIPE_WEBHOOK_SECRET,
})
const where = path.relative(repositoryRoot, secretsFolder)
if (!result.written) {
  process.stdout.write(
    `${where}: every file is already there, kept (npm run keys -- --force makes new ones)\n`,
  )
} else {
  process.stdout.write(`wrote ${result.files.map((file) => `${where}/${file}`).join(', ')}\n`)
  if (!process.env.STRIPE_SECRET_KEY) {
    process.stdout.write(
      'no STRIPE_SECRET_KEY: the prod overlay (PAYMENT_GATEWAY=stripe) needs it; set it and run with --force, or edit payments.env\n',
    )
  }
}
