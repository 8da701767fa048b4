/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access,
   @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call
   -- rendered manifests are free-form YAML (K8sObject's fields are `any`); each check reads only what it names. */
/**
 * The checks of the rendered manifests. Each takes the objects of one overlay (or the repository's files) and
 * returns its problems as sentences; none means it passes. The tests plant a mistake for each one.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { serviceNames, services, type ServiceName } from '@ticketing/common'
import { parseAllDocuments } from 'yaml'
import { readConfig as readAuthConfig } from '../../../services/auth/src/config.js'
import { readConfig as readExpirationConfig } from '../../../services/expiration/src/config.js'
import { readConfig as readOrdersConfig } from '../../../services/orders/src/config.js'
import { readConfig as readPaymentsConfig } from '../../../services/payments/src/config.js'
import { readConfig as readTicketsConfig } from '../../../services/tickets/src/config.js'
import { configSchema as authSchema } from '../../../services/auth/src/config.js'
import { configSchema as expirationSchema } from '../../../services/expiration/src/config.js'
import { configSchema as ordersSchema } from '../../../services/orders/src/config.js'
import { configSchema as paymentsSchema } from '../../../services/payments/src/config.js'
import { configSchema as ticketsSchema } from '../../../services/tickets/src/config.js'
import { readConfig as readGatewayConfig, routesOf } from '../../../apps/gateway/src/config.js'
import type { K8sObject, Overlay } from './render.js'
import { fromNatsVariable, redisUsers } from './secrets.js'
import { declarationOf, unknownFields } from './strict-fields.js'

type Env = Record<string, string | undefined>

const configOf: Record<ServiceName, { read: (env: Env) => unknown; variables: string[] }> = {
  auth: { read: readAuthConfig, variables: Object.keys(authSchema.properties) },
  tickets: { read: readTicketsConfig, variables: Object.keys(ticketsSchema.properties) },
  orders: { read: readOrdersConfig, variables: Object.keys(ordersSchema.properties) },
  expiration: { read: readExpirationConfig, variables: Object.keys(expirationSchema.properties) },
  payments: { read: readPaymentsConfig, variables: Object.keys(paymentsSchema.properties) },
}

/** Variables that must come from a Secret, never a ConfigMap. */
const secretVariables = [
  'DATABASE_URL',
  'REDIS_URL',
  'NATS_PASSWORD',
  'JWT_PRIVATE_KEY',
  'JWT_PUBLIC_KEYS',
  'CREDENTIAL_PRIVATE_KEY',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
]

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'])

export function workloads(objects: K8sObject[]): K8sObject[] {
  return objects.filter((object) => workloadKinds.has(object.kind))
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pod specs are free-form here
function podTemplate(workload: K8sObject): { metadata?: any; spec: any } {
  return workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template : workload.spec.template
}

const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((object) => object.kind === kind && object.metadata.name === name)

const serviceDeployments = (objects: K8sObject[]) =>
  objects.filter(
    (object) =>
      object.kind === 'Deployment' &&
      object.spec?.template?.metadata?.labels?.['app.kubernetes.io/component'] === 'service',
  )

// ---------------------------------------------------------------------------------------------------------------
// Every object against the Kubernetes schemas (kubernetes-models), and the two CloudNativePG kinds against theirs.

/** kubernetes-models' module of an apiVersion and kind: `apps/v1` → kubernetes-models/apps/v1/Deployment. */
function modelModule(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`
}

type Shape = { [field: string]: 'string' | 'integer' | 'boolean' | 'object' | 'array' | Shape }

/** The fields of CloudNativePG's Cluster and Database that these manifests use, each with its type. */
const crdShapes: Record<string, { required: string[]; spec: Shape }> = {
  'postgresql.cnpg.io/v1/Cluster': {
    required: ['instances', 'storage'],
    spec: {
      instances: 'integer',
      imageName: 'string',
      primaryUpdateStrategy: 'string',
      inheritedMetadata: { labels: 'object', annotations: 'object' },
      storage: { size: 'string', storageClass: 'string' },
      resources: { requests: 'object', limits: 'object' },
      managed: { roles: 'array' },
      bootstrap: 'object',
      postgresql: 'object',
      monitoring: 'object',
      backup: 'object',
    },
  },
  'postgresql.cnpg.io/v1/Database': {
    required: ['name', 'owner', 'cluster'],
    spec: { name: 'string', owner: 'string', cluster: { name: 'string' }, ensure: 'string' },
  },
}

function shapeProblems(where: string, value: unknown, shape: Shape): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [`${where} must be an object`]
  const problems: string[] = []
  for (const [field, fieldValue] of Object.entries(value)) {
    const expected = shape[field]
    const at = `${where}.${field}`
    if (!expected) problems.push(`${at} is not a field of this kind`)
    else if (typeof expected === 'object') problems.push(...shapeProblems(at, fieldValue, expected))
    else if (
      expected === 'integer'
        ? !Number.isInteger(fieldValue)
        : expected === 'array'
          ? !Array.isArray(fieldValue)
          : typeof fieldValue !== expected
    ) {
      problems.push(`${at} must be ${expected === 'integer' ? 'an integer' : `a ${expected}`}`)
    }
  }
  return problems
}

const modelCache = new Map<string, (data: unknown) => void>()

async function validatorOf(apiVersion: string, kind: string): Promise<((data: unknown) => void) | null> {
  const key = `${apiVersion}/${kind}`
  if (!modelCache.has(key)) {
    try {
      const module = (await import(modelModule(apiVersion, kind))) as Record<
        string,
        new (data: unknown) => { validate(): void }
      >
      const Model = module[kind]
      if (!Model) return null
      modelCache.set(key, (data) => new Model(data).validate())
    } catch {
      return null
    }
  }
  return modelCache.get(key) ?? null
}

/** kustomize folds long base64 values over lines; the API server's decoder skips the newlines, as here. */
function asDecoded(secret: K8sObject): K8sObject {
  const data = Object.fromEntries(
    Object.entries<string>(secret.data ?? {}).map(([key, value]) => [key, value.replace(/\s+/g, '')]),
  )
  return { ...secret, data }
}

export async function schemaProblems(objects: K8sObject[]): Promise<string[]> {
  const problems: string[] = []
  for (const object of objects) {
    const name = `${object.kind} ${object.metadata?.name}`
    const crd = crdShapes[`${object.apiVersion}/${object.kind}`]
    if (crd) {
      for (const field of crd.required) {
        if (object.spec?.[field] === undefined) problems.push(`${name}: spec.${field} is required`)
      }
      problems.push(...shapeProblems(`${name}: spec`, object.spec, crd.spec))
      continue
    }
    const validate = await validatorOf(object.apiVersion, object.kind)
    if (!validate) {
      problems.push(`${name}: ${object.apiVersion} ${object.kind} is not a kind this check knows`)
      continue
    }
    try {
      validate(object.kind === 'Secret' ? asDecoded(object) : object)
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`)
    }
    const declaration = declarationOf(object.apiVersion, object.kind)
    for (const field of declaration ? unknownFields(object, declaration) : []) {
      problems.push(`${name}: ${field} is not a field of ${object.kind}`)
    }
  }
  return problems
}

// ---------------------------------------------------------------------------------------------------------------
// Every service's environment passes that service's own configuration schema.

/** A service Deployment's environment as the pod gets it: its ConfigMaps and Secrets, then its own `env`. */
export function environmentOf(
  objects: K8sObject[],
  deployment: K8sObject,
): {
  env: Env
  fromSecret: Set<string>
  fromConfigMap: Set<string>
  problems: string[]
} {
  const env: Env = {}
  const fromSecret = new Set<string>()
  const fromConfigMap = new Set<string>()
  const problems: string[] = []
  const container = deployment.spec.template.spec.containers[0]
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const map = find(objects, 'ConfigMap', source.configMapRef.name)
      if (!map)
        problems.push(`${deployment.metadata.name}: ConfigMap ${source.configMapRef.name} does not exist`)
      for (const [key, value] of Object.entries<string>(map?.data ?? {})) {
        env[key] = value
        fromConfigMap.add(key)
      }
    }
    if (source.secretRef) {
      const secret = find(objects, 'Secret', source.secretRef.name)
      if (!secret)
        problems.push(`${deployment.metadata.name}: Secret ${source.secretRef.name} does not exist`)
      for (const [key, value] of Object.entries<string>(secret?.data ?? {})) {
        // A value left empty (Stripe's keys before they are known) stands for the one an operator sets.
        env[key] = Buffer.from(value, 'base64').toString('utf8') || `dummy-${key.toLowerCase()}`
        fromSecret.add(key)
      }
    }
  }
  for (const variable of container.env ?? []) {
    if (typeof variable.value === 'string') env[variable.name] = variable.value
    else if (variable.valueFrom?.secretKeyRef) {
      env[variable.name] = `dummy-${variable.name.toLowerCase()}`
      fromSecret.add(variable.name)
    }
  }
  return { env, fromSecret, fromConfigMap, problems }
}

/** Variables read by Node.js or libuv themselves, before any configuration is: no config.ts declares them. */
const RUNTIME_VARIABLES = new Set(['UV_THREADPOOL_SIZE'])

export function configProblems(objects: K8sObject[]): string[] {
  const problems: string[] = []
  const deployed = new Set<string>()
  for (const deployment of serviceDeployments(objects)) {
    const name = deployment.metadata.name as ServiceName
    deployed.add(name)
    const config = configOf[name]
    if (!config) {
      problems.push(`Deployment ${name} is labelled a service, but no service has that name`)
      continue
    }
    const { env, fromSecret, fromConfigMap, problems: missing } = environmentOf(objects, deployment)
    problems.push(...missing)
    for (const key of Object.keys(env)) {
      if (!config.variables.includes(key) && !RUNTIME_VARIABLES.has(key)) {
        problems.push(`${name}: ${key} is not a variable of services/${name}/src/config.ts`)
      }
      if (secretVariables.includes(key) && (fromConfigMap.has(key) || !fromSecret.has(key))) {
        problems.push(`${name}: ${key} must come from a Secret, not a ConfigMap`)
      }
    }
    const needed = ['NATS_USER', 'NATS_PASSWORD', 'METRICS_PORT', 'NATS_URL']
    if (services[name].database) needed.push('DATABASE_URL')
    if (redisUsers.includes(name)) needed.push('REDIS_URL')
    if (config.variables.includes('JWT_PUBLIC_KEYS')) needed.push('JWT_PUBLIC_KEYS')
    if (name === 'auth') needed.push('JWT_PRIVATE_KEY')
    if (name === 'tickets') needed.push('CREDENTIAL_PRIVATE_KEY')
    for (const key of needed) if (env[key] === undefined) problems.push(`${name}: ${key} is not set`)
    if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== '9464') {
      problems.push(`${name}: METRICS_PORT is ${env.METRICS_PORT}, the scrape annotations say 9464`)
    }
    try {
      config.read(env)
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message.replace(/\n\s*/g, ' ')}`)
    }
  }
  for (const name of serviceNames)
    if (!deployed.has(name)) problems.push(`no Deployment for the service ${name}`)
  return problems
}

// ---------------------------------------------------------------------------------------------------------------
// The bus: every service logs in to NATS as a user of auth.conf, with the password NATS reads for that user.

/** The NATS StatefulSet's configuration files and the environment its Secrets give it, or null without one. */
function natsSetup(objects: K8sObject[]): { files: Record<string, string>; env: Env } | null {
  const nats = find(objects, 'StatefulSet', 'nats')
  const configName = nats?.spec.template.spec.volumes?.find((v: { configMap?: unknown }) => v.configMap)
    ?.configMap.name
  const config = configName && find(objects, 'ConfigMap', configName)
  if (!nats || !config) return null
  const env: Env = {}
  for (const source of nats.spec.template.spec.containers[0].envFrom ?? []) {
    const secret = source.secretRef && find(objects, 'Secret', source.secretRef.name)
    for (const [key, value] of Object.entries<string>(secret?.data ?? {})) {
      env[key] = Buffer.from(value, 'base64').toString('utf8')
    }
  }
  return { files: config.data ?? {}, env }
}

export function busProblems(objects: K8sObject[]): string[] {
  const problems: string[] = []
  const nats = natsSetup(objects)
  if (!nats) return ['no NATS StatefulSet with its configuration']
  const { files: config, env: natsEnv } = nats
  for (const file of ['nats.conf', 'nats-cluster.conf']) {
    if (!/^include \.\/auth\.conf$/m.test(config[file] ?? ''))
      problems.push(`${file} does not include ./auth.conf`)
  }
  const users = new Map<string, string>()
  for (const match of (config['auth.conf'] ?? '').matchAll(/user:\s*"?(\w+)"?[\s,]*password:\s*\$(\w+)/g)) {
    users.set(match[1]!, match[2]!)
  }
  for (const [user, variable] of users) {
    if (natsEnv[variable] === undefined) problems.push(`NATS has no ${variable} for the user ${user}`)
  }
  for (const deployment of serviceDeployments(objects)) {
    const name = deployment.metadata.name
    const { env } = environmentOf(objects, deployment)
    const user = env.NATS_USER
    const variable = user === undefined ? undefined : users.get(user)
    if (!variable) problems.push(`${name} logs in to NATS as ${user}, who is not a user of auth.conf`)
    else if (natsEnv[variable] === undefined || fromNatsVariable(natsEnv[variable]) !== env.NATS_PASSWORD) {
      problems.push(`${name}'s NATS_PASSWORD is not the ${variable} NATS checks it against`)
    }
    if (user !== undefined && user !== name)
      problems.push(`${name} logs in to NATS as ${user}, not as itself`)
  }
  return problems
}

/** The system's nats-server, or null when there is none to test NATS's configuration with. */
export function natsServer(): string | null {
  for (const candidate of [process.env.NATS_SERVER, 'nats-server', '/usr/sbin/nats-server']) {
    if (candidate && spawnSync(candidate, ['--version'], { encoding: 'utf8' }).status === 0) return candidate
  }
  return null
}

/**
 * NATS reads its configuration only when it starts, and refuses one it cannot use: each NATS configuration the
 * StatefulSet may be given, with auth.conf beside it and the Secret's passwords in its environment, is tested
 * by nats-server itself (`-t`). Without a nats-server, nothing is said here: CI has one (its bus).
 */
export function natsServerProblems(objects: K8sObject[], binary = natsServer()): string[] {
  if (!binary) return []
  const nats = natsSetup(objects)
  if (!nats) return ['no NATS StatefulSet with its configuration']
  const env = { PATH: process.env.PATH, POD_NAME: 'nats-0', ...nats.env }
  const folder = mkdtempSync(path.join(os.tmpdir(), 'nats-config-'))
  try {
    for (const [file, text] of Object.entries(nats.files)) writeFileSync(path.join(folder, file), text)
    const problems: string[] = []
    for (const file of Object.keys(nats.files).filter((name) => name !== 'auth.conf')) {
      const test = spawnSync(binary, ['-t', '-c', path.join(folder, file)], { encoding: 'utf8', env })
      if (test.status !== 0) {
        const reason = `${test.error?.message ?? ''}${test.stderr ?? ''}${test.stdout ?? ''}`
          .trim()
          .split('\n')[0]!
          .replace(`${folder}/`, '')
        problems.push(`nats-server refuses ${file}: ${reason}`)
      }
    }
    return problems
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The Ingress routes what the gateway routes.

/** The gateway's route table, each upstream named by the part it reaches (= the Kubernetes Service's name). */
export function gatewayRoutes(): { path: string; service: string }[] {
  const config = readGatewayConfig({
    AUTH_URL: 'http://auth',
    TICKETS_URL: 'http://tickets',
    ORDERS_URL: 'http://orders',
    PAYMENTS_URL: 'http://payments',
    CLIENT_URL: 'http://client',
  })
  return routesOf(config).map((route) => ({
    path: route.prefix,
    service: new URL(route.upstreams[0]!).hostname,
  }))
}

export function ingressProblems(objects: K8sObject[]): string[] {
  const ingresses = objects.filter((object) => object.kind === 'Ingress')
  if (ingresses.length !== 1) return [`expected one Ingress, found ${ingresses.length}`]
  const ingress = ingresses[0]!
  const problems: string[] = []
  if (ingress.spec.ingressClassName !== 'nginx') problems.push('the Ingress must have ingressClassName nginx')
  const actual = new Map<string, string>()
  for (const rule of ingress.spec.rules ?? []) {
    if (rule.host)
      problems.push(
        `the Ingress rule for ${rule.host} names a host: the client reaches the API by the controller's name`,
      )
    for (const entry of rule.http?.paths ?? []) {
      if (entry.pathType !== 'Prefix')
        problems.push(`${entry.path}: pathType must be Prefix, as the gateway matches`)
      const service = entry.backend?.service?.name
      if (actual.has(entry.path)) problems.push(`${entry.path} is routed twice`)
      actual.set(entry.path, service)
      const target = find(objects, 'Service', service)
      const port = entry.backend?.service?.port
      if (!target) problems.push(`${entry.path} goes to Service ${service}, which does not exist`)
      else if (
        !target.spec.ports.some(
          (p: { name?: string; port: number }) => p.name === port?.name || p.port === port?.number,
        )
      ) {
        problems.push(`${entry.path} goes to a port Service ${service} does not have`)
      }
    }
  }
  const expected = new Map(gatewayRoutes().map((route) => [route.path, route.service]))
  // The gateway answers an /api path no service serves with the common JSON 404; any service's not-found
  // handler does the same, the client (an HTML page) does not.
  const fallback = actual.get('/api')
  if (!fallback) problems.push('/api (the JSON 404 for an unknown API route) is not routed')
  else if (!(serviceNames as string[]).includes(fallback))
    problems.push(`/api goes to ${fallback}, not to a service`)
  for (const [path, service] of expected) {
    if (!actual.has(path))
      problems.push(`the gateway routes ${path} to ${service}; the Ingress does not route it`)
    else if (actual.get(path) !== service) {
      problems.push(`the gateway routes ${path} to ${service}; the Ingress to ${actual.get(path)}`)
    }
  }
  for (const path of actual.keys()) {
    if (!expected.has(path) && path !== '/api')
      problems.push(`the Ingress routes ${path}, which the gateway does not`)
  }
  return problems
}

// ---------------------------------------------------------------------------------------------------------------
// Every container: probes, requests and limits, a strict security context; services: health routes, a pre-stop
// delay, a grace period, metrics annotations.

export function containerProblems(objects: K8sObject[]): string[] {
  const problems: string[] = []
  for (const workload of workloads(objects)) {
    const template = podTemplate(workload)
    const pod = template.spec
    const podSecurity = pod.securityContext ?? {}
    const containers = [...(pod.initContainers ?? []), ...pod.containers]
    for (const container of containers) {
      const where = `${workload.kind} ${workload.metadata.name}, container ${container.name}`
      const isInit = (pod.initContainers ?? []).includes(container)
      if (!isInit && workload.kind !== 'Job' && workload.kind !== 'CronJob') {
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          if (!container[probe]) problems.push(`${where}: no ${probe}`)
        }
      }
      for (const bound of ['requests', 'limits']) {
        for (const resource of ['cpu', 'memory']) {
          if (!container.resources?.[bound]?.[resource])
            problems.push(`${where}: no ${resource} in resources.${bound}`)
        }
      }
      const security = container.securityContext ?? {}
      if ((security.runAsNonRoot ?? podSecurity.runAsNonRoot) !== true)
        problems.push(`${where}: runAsNonRoot is not true`)
      if (security.allowPrivilegeEscalation !== false)
        problems.push(`${where}: allowPrivilegeEscalation is not false`)
      if (security.readOnlyRootFilesystem !== true)
        problems.push(`${where}: readOnlyRootFilesystem is not true`)
      if (!security.capabilities?.drop?.includes('ALL'))
        problems.push(`${where}: capabilities do not drop ALL`)
      if ((security.seccompProfile ?? podSecurity.seccompProfile)?.type !== 'RuntimeDefault') {
        problems.push(`${where}: seccompProfile is not RuntimeDefault`)
      }
      if (security.privileged) problems.push(`${where}: privileged`)
    }
  }
  for (const deployment of serviceDeployments(objects)) {
    const name = deployment.metadata.name
    const pod = deployment.spec.template.spec
    const container = pod.containers[0]
    const path = (probe: string) => container[probe]?.httpGet?.path
    if (path('livenessProbe') !== '/healthz') problems.push(`${name}: the liveness probe must ask /healthz`)
    if (path('startupProbe') !== '/healthz') problems.push(`${name}: the startup probe must ask /healthz`)
    if (path('readinessProbe') !== '/readyz') problems.push(`${name}: the readiness probe must ask /readyz`)
    const preStop = container.lifecycle?.preStop
    if (!preStop?.sleep && !preStop?.exec?.command?.includes('sleep'))
      problems.push(`${name}: no pre-stop delay`)
    if (!pod.terminationGracePeriodSeconds) problems.push(`${name}: no terminationGracePeriodSeconds`)
    const annotations = deployment.spec.template.metadata?.annotations ?? {}
    if (
      annotations['prometheus.io/scrape'] !== 'true' ||
      annotations['prometheus.io/port'] !== '9464' ||
      annotations['prometheus.io/path'] !== '/metrics'
    ) {
      problems.push(`${name}: the pod lacks the Prometheus scrape annotations (port 9464, /metrics)`)
    }
    const tmp = (container.volumeMounts ?? []).find(
      (mount: { mountPath: string }) => mount.mountPath === '/tmp',
    )
    const volume = tmp && pod.volumes?.find((v: { name: string }) => v.name === tmp.name)
    if (!volume?.emptyDir) problems.push(`${name}: /tmp is not a writable emptyDir`)
  }
  return problems
}

// ---------------------------------------------------------------------------------------------------------------
// NetworkPolicies: deny by default; every workload has an allow policy of its own; each service reaches exactly
// what it needs (NATS; its database; Redis for auth, orders and expiration).

interface LabelSelector {
  matchLabels?: Record<string, string>
  matchExpressions?: { key: string; operator: string; values?: string[] }[]
}

const isEmptySelector = (selector: LabelSelector | undefined) =>
  !selector ||
  (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)

export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (labels[key] !== value) return false
  for (const expression of selector.matchExpressions ?? []) {
    const value = labels[expression.key]
    const values = expression.values ?? []
    if (expression.operator === 'In' && (value === undefined || !values.includes(value))) return false
    if (expression.operator === 'NotIn' && value !== undefined && values.includes(value)) return false
    if (expression.operator === 'Exists' && value === undefined) return false
    if (expression.operator === 'DoesNotExist' && value !== undefined) return false
  }
  return true
}

export function networkPolicyProblems(objects: K8sObject[]): string[] {
  const policies = objects.filter((object) => object.kind === 'NetworkPolicy')
  const problems: string[] = []
  const denyAll = policies.some(
    (policy) =>
      isEmptySelector(policy.spec.podSelector) &&
      ['Ingress', 'Egress'].every((type) => policy.spec.policyTypes?.includes(type)) &&
      !policy.spec.ingress?.length &&
      !policy.spec.egress?.length,
  )
  if (!denyAll)
    problems.push('no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)')
  for (const workload of workloads(objects)) {
    const labels = podTemplate(workload).metadata?.labels ?? {}
    const own = policies.filter(
      (policy) => !isEmptySelector(policy.spec.podSelector) && selects(policy.spec.podSelector, labels),
    )
    if (own.length === 0)
      problems.push(`${workload.kind} ${workload.metadata.name} is selected by no NetworkPolicy of its own`)
  }
  // What each service may reach, by the app name of the pods its egress rules allow.
  for (const name of serviceNames) {
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'service' }
    const reached = new Set<string>()
    for (const policy of policies) {
      if (isEmptySelector(policy.spec.podSelector) || !selects(policy.spec.podSelector, labels)) continue
      for (const rule of policy.spec.egress ?? []) {
        for (const peer of rule.to ?? []) {
          const target = peer.podSelector?.matchLabels?.['app.kubernetes.io/name']
          if (target && !peer.namespaceSelector) reached.add(target)
        }
      }
    }
    const expected = new Set(['nats'])
    if (services[name].database) expected.add('postgres')
    if (redisUsers.includes(name)) expected.add('redis')
    for (const target of expected)
      if (!reached.has(target)) problems.push(`${name} is not allowed to reach ${target}`)
    for (const target of reached)
      if (!expected.has(target)) problems.push(`${name} is allowed to reach ${target}, which it does not use`)
  }
  return problems
}

// ---------------------------------------------------------------------------------------------------------------
// Images: what the parts run is what skaffold builds.

export interface SkaffoldConfig {
  build?: { artifacts?: { image: string; docker?: { dockerfile?: string } }[] }
  manifests?: { kustomize?: { paths?: string[] } }
}

const imageName = (image: string) => image.replace(/@.*$/, '').replace(/:[^/:]*$/, '')

export function imageProblems(objects: K8sObject[], skaffold: SkaffoldConfig): string[] {
  const built = new Set((skaffold.build?.artifacts ?? []).map((artifact) => artifact.image))
  const used = new Set<string>()
  const problems: string[] = []
  for (const workload of workloads(objects)) {
    const template = podTemplate(workload)
    const component = template.metadata?.labels?.['app.kubernetes.io/component']
    for (const container of [...(template.spec.initContainers ?? []), ...template.spec.containers]) {
      const name = imageName(container.image)
      used.add(name)
      const ours = component === 'service' || component === 'client' || name.startsWith('ticketing-')
      if (ours && !built.has(name)) {
        problems.push(
          `${workload.kind} ${workload.metadata.name} runs ${container.image}, which skaffold does not build`,
        )
      }
    }
  }
  for (const image of built)
    if (!used.has(image)) problems.push(`skaffold builds ${image}, which nothing runs`)
  return problems
}

// ---------------------------------------------------------------------------------------------------------------
// What each overlay promises: dev is small and on volumes; prod is replicated and disruption-proof.

export function overlayProblems(objects: K8sObject[], overlay: Overlay): string[] {
  const problems: string[] = []
  const parts = [...serviceNames, 'client']
  const statefulSet = (name: string) => find(objects, 'StatefulSet', name)
  const hasVolume = (set: K8sObject | undefined) => (set?.spec.volumeClaimTemplates ?? []).length > 0
  const nats = statefulSet('nats')
  const redis = statefulSet('redis')
  if (!hasVolume(nats)) problems.push('NATS keeps JetStream on no volume')
  if (!hasVolume(redis)) problems.push('Redis keeps its data on no volume')
  const redisArgs: string[] = redis?.spec.template.spec.containers[0].args ?? []
  if (redisArgs[redisArgs.indexOf('--appendonly') + 1] !== 'yes')
    problems.push('Redis does not run with appendonly yes')
  if (overlay === 'dev') {
    for (const name of parts) {
      const replicas = find(objects, 'Deployment', name)?.spec.replicas
      if (replicas !== 1) problems.push(`dev: ${name} has ${replicas} replicas, not 1`)
    }
    if (nats?.spec.replicas !== 1) problems.push('dev: NATS is not one server')
    if (!hasVolume(statefulSet('postgres'))) problems.push('dev: no PostgreSQL StatefulSet with a volume')
    return problems
  }
  const hpas = objects.filter((object) => object.kind === 'HorizontalPodAutoscaler')
  const pdbs = objects.filter((object) => object.kind === 'PodDisruptionBudget')
  for (const name of parts) {
    const deployment = find(objects, 'Deployment', name)
    if (!deployment) continue
    if (!(deployment.spec.replicas >= 2))
      problems.push(`prod: ${name} has ${deployment.spec.replicas} replicas, fewer than 2`)
    const labels = deployment.spec.template.metadata.labels
    if (!pdbs.some((pdb) => selects(pdb.spec.selector, labels)))
      problems.push(`prod: no PodDisruptionBudget for ${name}`)
    const hpa = hpas.find(
      (h) => h.spec.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef?.name === name,
    )
    if (!hpa || hpa.apiVersion !== 'autoscaling/v2')
      problems.push(`prod: no autoscaling/v2 HorizontalPodAutoscaler for ${name}`)
    else if (!(hpa.spec.minReplicas >= 2)) problems.push(`prod: ${name}'s autoscaler may go below 2 replicas`)
  }
  if (nats?.spec.replicas !== 3) problems.push('prod: NATS is not a cluster of 3')
  if (!nats?.spec.template.spec.containers[0].args?.includes('/etc/nats/nats-cluster.conf')) {
    problems.push('prod: NATS does not run the cluster configuration')
  }
  for (const deployment of serviceDeployments(objects)) {
    if (environmentOf(objects, deployment).env.EVENTS_REPLICAS !== '3') {
      problems.push(`prod: ${deployment.metadata.name} does not have EVENTS_REPLICAS=3`)
    }
  }
  const cluster = objects.find(
    (object) => object.kind === 'Cluster' && object.apiVersion === 'postgresql.cnpg.io/v1',
  )
  if (!cluster) problems.push('prod: no CloudNativePG Cluster')
  else if (cluster.spec.instances !== 3)
    problems.push(`prod: the PostgreSQL cluster has ${cluster.spec.instances} instances, not 3`)
  const databases = objects.filter((object) => object.kind === 'Database')
  for (const name of serviceNames) {
    const database = services[name].database
    if (!database) continue
    const found = databases.find((d) => d.spec.name === database)
    if (!found) problems.push(`prod: no Database ${database}`)
    else if (found.spec.owner !== name)
      problems.push(`prod: ${database} is owned by ${found.spec.owner}, not ${name}`)
  }
  return problems
}

// ---------------------------------------------------------------------------------------------------------------
// No secret value in the repository.

export interface RepositoryFile {
  path: string
  content: string
}

const keyMaterial: [RegExp, string][] = [
  [/"d"\s*:\s*"[A-Za-z0-9_-]{20,}"/, 'a private JWK'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a PEM private key'],
  [/\b(sk|rk)_(live|test)_[A-Za-z0-9]{10,}/, 'a Stripe secret key'],
  [/\bwhsec_[A-Za-z0-9]{10,}/, 'a Stripe webhook secret'],
  [/:\/\/[^/\s:@]+:[^/\s@$]{8,}@/, 'a password in a URL'],
]

export function secretProblems(files: RepositoryFile[], isIgnored: (path: string) => boolean): string[] {
  const problems: string[] = []
  for (const file of files) {
    for (const [pattern, what] of keyMaterial) {
      if (pattern.test(file.content)) problems.push(`${file.path} holds ${what}`)
    }
    if (!/\.ya?ml$/.test(file.path)) continue
    let documents: K8sObject[]
    try {
      documents = parseManifestsLoosely(file.content)
    } catch {
      continue
    }
    for (const document of documents) {
      if (document.kind === 'Secret' && (document.data || document.stringData)) {
        problems.push(`${file.path} commits a Secret with values (${document.metadata?.name})`)
      }
      if (document.kind !== 'Kustomization') continue
      const folder = file.path.replace(/[^/]*$/, '')
      for (const generator of (document.secretGenerator ?? []) as {
        name: string
        literals?: string[]
        envs?: string[]
        files?: string[]
      }[]) {
        if (generator.literals?.length)
          problems.push(`${file.path}: secretGenerator ${generator.name} has literal values`)
        for (const source of [...(generator.envs ?? []), ...(generator.files ?? [])]) {
          const sourcePath = `${folder}${source.replace(/^.*=/, '')}`
          if (!isIgnored(sourcePath))
            problems.push(
              `${file.path}: ${sourcePath} (secretGenerator ${generator.name}) is not ignored by git`,
            )
        }
      }
    }
  }
  return problems
}

/** Kustomizations and manifests alike; only documents with a kind matter here. */
function parseManifestsLoosely(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as unknown)
    .filter(
      (object): object is K8sObject =>
        typeof object === 'object' && object !== null && typeof (object as K8sObject).kind === 'string',
    )
}
