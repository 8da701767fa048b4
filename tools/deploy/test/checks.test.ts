import { loadJwtKeys } from '@ticketing/common'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  busProblems,
  fromNatsVariable,
  natsServer,
  natsServerProblems,
  configProblems,
  containerProblems,
  deployFiles,
  imageProblems,
  ingressProblems,
  isIgnoredByGit,
  kubectl,
  networkPolicyProblems,
  overlayProblems,
  readSkaffold,
  renderOverlays,
  runChecks,
  schemaProblems,
  secretProblems,
  writeSecretFiles,
  type K8sObject,
  type Overlay,
} from '../src/index.js'

// CI must render the manifests: there, a missing kubectl fails the checks. A developer's machine without it
// skips them and says so rather than passing quietly.
const canRender = kubectl() !== null || Boolean(process.env.CI)
if (!canRender) {
  process.stderr.write(
    'tools/deploy: kubectl is not installed, the rendering checks are skipped (set KUBECTL to one)\n',
  )
}

let rendered: Record<Overlay, K8sObject[]>
/** A fresh copy of an overlay's objects for a test to plant its mistake in. */
const objectsOf = (overlay: Overlay = 'dev') => structuredClone(rendered[overlay])
const named = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name)
  if (!found) throw new Error(`${kind} ${name} is not rendered`)
  return found
}
const byPrefix = (objects: K8sObject[], kind: string, prefix: string) => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name.startsWith(prefix))
  if (!found) throw new Error(`no ${kind} ${prefix}*`)
  return found
}
const container = (objects: K8sObject[], kind: string, name: string) =>
  named(objects, kind, name).spec.template.spec.containers[0]

describe.skipIf(!canRender)('the Kubernetes manifests', () => {
  beforeAll(async () => {
    rendered = await renderOverlays()
  })

  it('render in both overlays and pass every check', async () => {
    expect(await runChecks()).toEqual([])
  })

  describe('schema', () => {
    it('passes both overlays', async () => {
      expect(await schemaProblems(objectsOf('dev'))).toEqual([])
      expect(await schemaProblems(objectsOf('prod'))).toEqual([])
    })
    it('reports a field of the wrong type', async () => {
      const objects = objectsOf()
      named(objects, 'Deployment', 'orders').spec.replicas = 'two'
      expect((await schemaProblems(objects)).join('\n')).toMatch(/Deployment orders: .*replicas/)
    })
    it('reports a field the kind does not have (a misspelt probe is no probe)', async () => {
      const objects = objectsOf()
      const tickets = container(objects, 'Deployment', 'tickets')
      tickets.readinessprobe = tickets.readinessProbe
      named(objects, 'Service', 'orders').spec.selectors = {}
      const problems = await schemaProblems(objects)
      expect(problems).toContain(
        'Deployment tickets: spec.template.spec.containers[0].readinessprobe is not a field of Deployment',
      )
      expect(problems).toContain('Service orders: spec.selectors is not a field of Service')
    })
    it('reports a missing required field', async () => {
      const objects = objectsOf()
      delete container(objects, 'Deployment', 'auth').name
      expect((await schemaProblems(objects)).join('\n')).toMatch(/Deployment auth: .*name/)
    })
    it('reports a CloudNativePG Cluster field that is unknown or mistyped, and an unknown kind', async () => {
      const objects = objectsOf('prod')
      const cluster = named(objects, 'Cluster', 'postgres')
      cluster.spec.instances = '3'
      cluster.spec.replicas = 3
      objects.push({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })
      const problems = (await schemaProblems(objects)).join('\n')
      expect(problems).toMatch(/spec\.instances must be an integer/)
      expect(problems).toMatch(/spec\.replicas is not a field/)
      expect(problems).toMatch(/Widget w: example.com\/v1 Widget is not a kind/)
    })
  })

  describe('config', () => {
    it('reports a value the service would refuse at start', () => {
      const objects = objectsOf()
      byPrefix(objects, 'ConfigMap', 'orders-config').data.ORDER_HOLD_SECONDS = 'soon'
      expect(configProblems(objects).join('\n')).toMatch(/orders: .*ORDER_HOLD_SECONDS/)
    })
    it('reports a variable the service does not read (a typo)', () => {
      const objects = objectsOf()
      byPrefix(objects, 'ConfigMap', 'orders-config').data.ORDER_HOLD_SECOND = '60'
      expect(configProblems(objects)).toContain(
        'orders: ORDER_HOLD_SECOND is not a variable of services/orders/src/config.ts',
      )
    })
    it('reports a secret kept in a ConfigMap, and a missing bus password', () => {
      const objects = objectsOf()
      byPrefix(objects, 'ConfigMap', 'tickets-config').data.DATABASE_URL =
        'postgres://tickets@postgres-rw/ticketing_tickets'
      delete byPrefix(objects, 'Secret', 'expiration-secrets').data.NATS_PASSWORD
      const problems = configProblems(objects)
      expect(problems).toContain('tickets: DATABASE_URL must come from a Secret, not a ConfigMap')
      expect(problems).toContain('expiration: NATS_PASSWORD is not set')
    })
    it('reports prod payments without a card gateway', () => {
      const objects = objectsOf('prod')
      byPrefix(objects, 'ConfigMap', 'payments-config').data.PAYMENT_GATEWAY = 'sandbox'
      expect(configProblems(objects).join('\n')).toMatch(
        /payments: .*PAYMENT_GATEWAY: is sandbox in production/,
      )
    })
  })

  describe('bus', () => {
    it('passes both overlays', () => {
      expect(busProblems(objectsOf('dev'))).toEqual([])
      expect(busProblems(objectsOf('prod'))).toEqual([])
    })
    it('reports a service whose password is not the one NATS has for it, or who logs in as another', () => {
      const objects = objectsOf()
      const orders = byPrefix(objects, 'Secret', 'orders-secrets')
      orders.data.NATS_PASSWORD = Buffer.from('wrong').toString('base64')
      byPrefix(objects, 'Secret', 'tickets-secrets').data.NATS_USER = Buffer.from('orders').toString('base64')
      const problems = busProblems(objects)
      expect(problems).toContain(
        "orders's NATS_PASSWORD is not the ORDERS_NATS_PASSWORD NATS checks it against",
      )
      expect(problems).toContain('tickets logs in to NATS as orders, not as itself')
    })
    it('reports a NATS without the password variable a user needs, and a config without auth.conf', () => {
      const objects = objectsOf()
      delete byPrefix(objects, 'Secret', 'nats-secrets').data.PAYMENTS_NATS_PASSWORD
      const config = byPrefix(objects, 'ConfigMap', 'nats-config')
      config.data['nats.conf'] = config.data['nats.conf'].replace('include ./auth.conf', '')
      const problems = busProblems(objects)
      expect(problems).toContain('NATS has no PAYMENTS_NATS_PASSWORD for the user payments')
      expect(problems).toContain('nats.conf does not include ./auth.conf')
    })
  })

  describe('NATS configuration', () => {
    it('is accepted by nats-server in both overlays', () => {
      expect(natsServer(), 'no nats-server to test the configuration with').not.toBeNull()
      expect(natsServerProblems(objectsOf('dev'))).toEqual([])
      expect(natsServerProblems(objectsOf('prod'))).toEqual([])
    })
    it('reports a configuration nats-server refuses, and a password variable the Secret lacks', () => {
      const objects = objectsOf()
      const config = byPrefix(objects, 'ConfigMap', 'nats-config')
      config.data['nats.conf'] = config.data['nats.conf'].replace(
        /lame_duck_duration: \w+/,
        'lame_duck_duration: 20s',
      )
      expect(natsServerProblems(objects)).toEqual([
        expect.stringMatching(/^nats-server refuses nats\.conf: .*lame_duck_duration/),
      ])
      const unset = objectsOf()
      delete byPrefix(unset, 'Secret', 'nats-secrets').data.ORDERS_NATS_PASSWORD
      expect(natsServerProblems(unset)).toContainEqual(
        expect.stringMatching(/^nats-server refuses nats\.conf: /),
      )
    })
  })

  describe('ingress', () => {
    it('reports a gateway route the Ingress lacks, one sent elsewhere, and one the gateway does not have', () => {
      const objects = objectsOf()
      const paths: { path: string; backend: { service: { name: string } } }[] = named(
        objects,
        'Ingress',
        'ticketing',
      ).spec.rules[0].http.paths
      paths.splice(
        paths.findIndex((entry) => entry.path === '/api/payments'),
        1,
      )
      paths.find((entry) => entry.path === '/api/orders')!.backend.service.name = 'tickets'
      paths.push({ ...structuredClone(paths[0]!), path: '/api/admin' })
      const problems = ingressProblems(objects)
      expect(problems).toContain(
        'the gateway routes /api/payments to payments; the Ingress does not route it',
      )
      expect(problems).toContain('the gateway routes /api/orders to orders; the Ingress to tickets')
      expect(problems).toContain('the Ingress routes /api/admin, which the gateway does not')
    })
    it('reports unknown API routes sent to the client, and another ingress class', () => {
      const objects = objectsOf()
      const ingress = named(objects, 'Ingress', 'ticketing')
      ingress.spec.ingressClassName = 'traefik'
      ingress.spec.rules[0].http.paths.find(
        (entry: { path: string }) => entry.path === '/api',
      ).backend.service.name = 'client'
      const problems = ingressProblems(objects)
      expect(problems).toContain('the Ingress must have ingressClassName nginx')
      expect(problems).toContain('/api goes to client, not to a service')
    })
  })

  describe('containers', () => {
    it('reports a missing probe, missing limits and a loose security context', () => {
      const objects = objectsOf()
      delete container(objects, 'Deployment', 'orders').readinessProbe
      delete container(objects, 'StatefulSet', 'redis').resources.limits
      container(objects, 'StatefulSet', 'nats').securityContext.readOnlyRootFilesystem = false
      container(objects, 'Deployment', 'client').securityContext.capabilities.drop = []
      const problems = containerProblems(objects)
      expect(problems).toContain('Deployment orders, container orders: no readinessProbe')
      expect(problems).toContain('StatefulSet redis, container redis: no cpu in resources.limits')
      expect(problems).toContain('StatefulSet nats, container nats: readOnlyRootFilesystem is not true')
      expect(problems).toContain('Deployment client, container client: capabilities do not drop ALL')
    })
    it('reports a service without its health routes, pre-stop delay or scrape annotations', () => {
      const objects = objectsOf()
      const payments = named(objects, 'Deployment', 'payments')
      payments.spec.template.spec.containers[0].readinessProbe.httpGet.path = '/healthz'
      delete payments.spec.template.spec.containers[0].lifecycle
      delete payments.spec.template.metadata.annotations['prometheus.io/port']
      const problems = containerProblems(objects)
      expect(problems).toContain('payments: the readiness probe must ask /readyz')
      expect(problems).toContain('payments: no pre-stop delay')
      expect(problems).toContain(
        'payments: the pod lacks the Prometheus scrape annotations (port 9464, /metrics)',
      )
    })
  })

  describe('network policies', () => {
    it('reports a missing default deny', () => {
      const objects = objectsOf().filter((object) => object.metadata.name !== 'default-deny')
      expect(networkPolicyProblems(objects)).toContain(
        'no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)',
      )
    })
    it('reports a workload that no policy of its own selects', () => {
      const objects = objectsOf()
      const rogue = structuredClone(named(objects, 'Deployment', 'client'))
      rogue.metadata.name = 'rogue'
      rogue.spec.template.metadata.labels = { 'app.kubernetes.io/name': 'rogue' }
      objects.push(rogue)
      expect(networkPolicyProblems(objects)).toContain(
        'Deployment rogue is selected by no NetworkPolicy of its own',
      )
    })
    it('reports a service allowed to reach what it does not use, or not its own database', () => {
      const objects = objectsOf()
      const expiration = named(objects, 'NetworkPolicy', 'expiration')
      expiration.spec.egress.push({
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgres' } } }],
      })
      const tickets = named(objects, 'NetworkPolicy', 'tickets')
      tickets.spec.egress = tickets.spec.egress.filter(
        (rule: { to: { podSelector: { matchLabels: Record<string, string> } }[] }) =>
          rule.to[0]?.podSelector.matchLabels['app.kubernetes.io/name'] !== 'postgres',
      )
      const problems = networkPolicyProblems(objects)
      expect(problems).toContain('expiration is allowed to reach postgres, which it does not use')
      expect(problems).toContain('tickets is not allowed to reach postgres')
    })
  })

  describe('images', () => {
    it('reports an image skaffold does not build, and an artifact nothing runs', () => {
      const objects = objectsOf()
      for (const name of ['auth', 'tickets', 'orders', 'expiration', 'payments']) {
        container(objects, 'Deployment', name).image = `ticketing-${name}`
      }
      const problems = imageProblems(objects, readSkaffold())
      expect(problems).toContain('Deployment orders runs ticketing-orders, which skaffold does not build')
      expect(problems).toContain('skaffold builds ticketing-services, which nothing runs')
    })
    it('skaffold deploys the dev overlay', () => {
      expect(readSkaffold().manifests?.kustomize?.paths).toEqual(['deploy/k8s/overlays/dev'])
    })
  })

  describe('overlays', () => {
    it('reports a prod service with one replica, no autoscaler, a NATS of one and a smaller database cluster', () => {
      const objects = objectsOf('prod').filter(
        (object) => !(object.kind === 'HorizontalPodAutoscaler' && object.metadata.name === 'tickets'),
      )
      named(objects, 'Deployment', 'orders').spec.replicas = 1
      named(objects, 'StatefulSet', 'nats').spec.replicas = 1
      named(objects, 'Cluster', 'postgres').spec.instances = 1
      byPrefix(objects, 'ConfigMap', 'auth-config').data.EVENTS_REPLICAS = '1'
      const problems = overlayProblems(objects, 'prod')
      expect(problems).toContain('prod: orders has 1 replicas, fewer than 2')
      expect(problems).toContain('prod: no autoscaling/v2 HorizontalPodAutoscaler for tickets')
      expect(problems).toContain('prod: NATS is not a cluster of 3')
      expect(problems).toContain('prod: the PostgreSQL cluster has 1 instances, not 3')
      expect(problems).toContain('prod: auth does not have EVENTS_REPLICAS=3')
    })
    it('reports dev Redis without append-only persistence', () => {
      const objects = objectsOf('dev')
      const args = container(objects, 'StatefulSet', 'redis').args as string[]
      args[args.indexOf('--appendonly') + 1] = 'no'
      expect(overlayProblems(objects, 'dev')).toContain('Redis does not run with appendonly yes')
    })
  })
})

describe('no secret value in the repository', () => {
  it('holds for the files under deploy/', () => {
    expect(secretProblems(deployFiles(), isIgnoredByGit)).toEqual([])
  })

  it('reports a committed Secret, a literal in a generator, key material and a generator file git would add', () => {
    const files = [
      {
        path: 'deploy/k8s/base/stray.yaml',
        content: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: stray\nstringData:\n  password: hunter2\n',
      },
      {
        path: 'deploy/k8s/overlays/dev/kustomization.yaml',
        content:
          'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nsecretGenerator:\n  - name: x\n    literals: [PASSWORD=hunter2]\n  - name: y\n    envs: [y.env]\n',
      },
      {
        path: 'deploy/k8s/base/key.json',
        content: '{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}',
      },
    ]
    const problems = secretProblems(files, isIgnoredByGit)
    expect(problems).toContain('deploy/k8s/base/stray.yaml commits a Secret with values (stray)')
    expect(problems).toContain(
      'deploy/k8s/overlays/dev/kustomization.yaml: secretGenerator x has literal values',
    )
    expect(problems).toContain(
      'deploy/k8s/overlays/dev/kustomization.yaml: deploy/k8s/overlays/dev/y.env (secretGenerator y) is not ignored by git',
    )
    expect(problems).toContain('deploy/k8s/base/key.json holds a private JWK')
  })
})

describe('npm run keys', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'ticketing-keys-'))
  afterAll(() => rmSync(folder, { recursive: true, force: true }))
  const env = (file: string) =>
    Object.fromEntries(
      readFileSync(path.join(folder, file), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    ) as Record<string, string>

  it('writes a JWT key pair that auth signs with and the others verify with, and keeps it on a second run', async () => {
    expect((await writeSecretFiles(folder)).written).toBe(true)
    const auth = env('auth.env')
    const keys = await loadJwtKeys({
      privateKey: auth.JWT_PRIVATE_KEY,
      publicKeys: env('orders.env').JWT_PUBLIC_KEYS,
      forSigning: true,
    })
    expect(keys.publicKeys).toHaveLength(1)
    expect(keys.signing?.kid).toBe(keys.publicKeys[0]!.kid)

    expect((await writeSecretFiles(folder)).written).toBe(false)
    expect(env('auth.env').JWT_PRIVATE_KEY).toBe(auth.JWT_PRIVATE_KEY)
  })

  it("gives each service its own bus user, and NATS every service's password", () => {
    const nats = env('nats.env')
    for (const name of ['auth', 'tickets', 'orders', 'expiration', 'payments']) {
      const service = env(`${name}.env`)
      expect(service.NATS_USER).toBe(name)
      expect(fromNatsVariable(nats[`${name.toUpperCase()}_NATS_PASSWORD`]!)).toBe(service.NATS_PASSWORD)
    }
  })

  it('logs each service into its own database with the password the database login is made with', () => {
    for (const name of ['auth', 'tickets', 'orders', 'payments']) {
      const login = env(`db-${name}.env`)
      expect(login.username).toBe(name)
      expect(env(`${name}.env`).DATABASE_URL).toBe(
        `postgres://${name}:${login.password}@postgres-rw:5432/ticketing_${name}`,
      )
    }
  })
})
