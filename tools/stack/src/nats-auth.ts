// `npm run nats-auth`: writes the Kubernetes NATS's users and permissions from the event contracts.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { KUBERNETES_AUTH_FILE, kubernetesNatsAuthorization } from './nats-users.js'
import { repositoryRoot } from './stack.js'

await writeFile(path.join(repositoryRoot, KUBERNETES_AUTH_FILE), kubernetesNatsAuthorization())
process.stdout.write(`wrote ${KUBERNETES_AUTH_FILE}\n`)
