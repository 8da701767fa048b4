import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { errorRegistry } from '../errors/registry.js'

export type ReadinessCheck = () => Promise<unknown>

export interface DependencyHooks {
  /** Resolves while the dependency can serve (database answers, bus connected, replay done). */
  check?: ReadinessCheck
  /** Releases it; runs once, after in-flight requests have finished. */
  close?: () => Promise<unknown>
}

const CHECK_TIMEOUT_MS = 2_000

/**
 * What a service depends on (database, bus, Redis, a replayed revocation list). `/readyz` asks every check;
 * on close they are released in reverse order of registration, so what was opened first is closed last
 * (the relay stops before the bus it publishes to, the bus before the database it reads).
 */
export class Dependencies {
  readonly #entries: { name: string; hooks: DependencyHooks }[] = []
  #closing = false
  #handling = 0
  #idle: (() => void) | undefined

  add(name: string, hooks: DependencyHooks): void {
    if (this.#entries.some((entry) => entry.name === name)) {
      throw new Error(`dependency "${name}" is already registered`)
    }
    this.#entries.push({ name, hooks })
  }

  /** The names of the checks that fail; empty when ready. A closing service is never ready. */
  async failing(): Promise<string[]> {
    if (this.#closing) return ['closing']
    const results = await Promise.all(
      this.#entries.map(async ({ name, hooks }) =>
        hooks.check && !(await passes(hooks.check)) ? name : undefined,
      ),
    )
    return results.filter((name) => name !== undefined)
  }

  markClosing(): void {
    this.#closing = true
  }

  get closing(): boolean {
    return this.#closing
  }

  /**
   * Counts a request whose handler is running. Fastify's close waits for open connections, not for handlers
   * whose client hung up; those must still finish before the database they use is closed.
   */
  handlerStarted(): () => void {
    this.#handling++
    let done = false
    return () => {
      if (done) return
      done = true
      if (--this.#handling === 0) this.#idle?.()
    }
  }

  async #handlersFinished(timeoutMs: number): Promise<void> {
    if (this.#handling === 0) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs)
      this.#idle = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }

  /**
   * Closes every dependency, last registered first, once running handlers have finished (or 10 s have
   * passed); one failing to close does not keep the rest open.
   */
  async closeAll(onError: (name: string, error: unknown) => void): Promise<void> {
    await this.#handlersFinished(10_000)
    for (const { name, hooks } of [...this.#entries].reverse()) {
      try {
        await hooks.close?.()
      } catch (error) {
        onError(name, error)
      }
    }
  }
}

async function passes(check: ReadinessCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, CHECK_TIMEOUT_MS, false)))
  try {
    return await Promise.race([check().then(() => true), timeout])
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    dependencies: Dependencies
  }
}

/** `/healthz`: the process answers. `/readyz`: every dependency answers too. */
export const healthRoutes = fp(
  async (app: FastifyInstance) => {
    app.decorate('dependencies', new Dependencies())
    app.addHook('preClose', async () => app.dependencies.markClosing())
    app.addHook('onClose', async () =>
      app.dependencies.closeAll((name, error) =>
        app.log.error({ err: error, dependency: name }, 'close failed'),
      ),
    )

    app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }))
    app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
      const failing = await app.dependencies.failing()
      if (failing.length === 0) return { status: 'ready' }
      return reply.status(503).send({
        errors: failing.map((name) => ({ message: `${errorRegistry.NOT_READY.message}: ${name}` })),
      })
    })
  },
  { name: 'health-routes' },
)

/** A dependency as a named plugin: `app.register(dependency('bus', { check, close }))`. */
export function dependency(name: string, hooks: DependencyHooks) {
  return fp(async (app: FastifyInstance) => app.dependencies.add(name, hooks), {
    name: `dependency:${name}`,
    dependencies: ['health-routes'],
  })
}
