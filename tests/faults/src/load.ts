import { randomUUID } from 'node:crypto'
import type { ApiClient, ApiResponse } from '@ticketing/stack'
import type { TestStack } from '@ticketing/system-tests'

/** What a buyer does with an order once reserved. */
export type Ending = 'pay' | 'cancel' | 'expire' | 'pay-twice'

export interface LoadOptions {
  /** Buyers and sellers working at once. */
  workers?: number
  /** How often each ending is chosen (relative weights). */
  endings?: Partial<Record<Ending, number>>
  /** How often a seller edits a listing's price before it is reserved (0–1). */
  edits?: number
}

export interface LoadStats {
  purchases: number
  requests: number
  /** Requests that failed or answered 5xx: expected while a fault lasts, counted, never thrown. */
  failures: number
  /**
   * Of those, the requests the gateway may send to a second instance (here the reservations, which carry an
   * Idempotency-Key): with one instance of each service down at a time, none of these should fail.
   */
  idempotentFailures: number
  statuses: Record<string, number>
}

export interface RunningLoad {
  stats: LoadStats
  /** Resolves once `count` more purchases (orders reserved) have happened, or after the deadline. */
  progressed(count: number, timeoutMs?: number): Promise<boolean>
  /** Stops the workers after what each has in flight, and resolves with the figures. */
  stop(): Promise<LoadStats>
}

type User = ApiClient & { id: string }
const REQUEST_TIMEOUT_MS = 15_000
/** A user whose request failed waits a moment before the next, as people do (and the machine stays usable). */
const FAILURE_PAUSE_MS = 250
/** Between two purchases of one worker: a steady flow, not a flood that starves a two-core machine. */
const PACE_MS = 100
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Buyers and sellers using the marketplace through the gateway while a fault happens: a seller lists a ticket
 * (and sometimes edits its price), a buyer reserves it, then pays with `tok_visa`, cancels, or lets the hold
 * run out. Every failure is counted and the worker carries on: the point is the state the faults leave.
 */
export function startLoad(stack: TestStack, users: UserPool, options: LoadOptions = {}): RunningLoad {
  const stats: LoadStats = { purchases: 0, requests: 0, failures: 0, idempotentFailures: 0, statuses: {} }
  const endings = Object.entries({ pay: 3, cancel: 1, expire: 1, ...options.endings }) as [Ending, number][]
  let stopped = false
  const waiters = new Set<() => void>()

  const call = async <T>(
    attempt: () => Promise<ApiResponse<T>>,
    { idempotent = false } = {},
  ): Promise<ApiResponse<T> | undefined> => {
    stats.requests++
    try {
      const response = await Promise.race([
        attempt(),
        sleep(REQUEST_TIMEOUT_MS).then(() => {
          throw new Error('timed out')
        }),
      ])
      stats.statuses[response.status] = (stats.statuses[response.status] ?? 0) + 1
      if (response.status >= 500) {
        stats.failures++
        if (idempotent) stats.idempotentFailures++
        await sleep(FAILURE_PAUSE_MS)
      }
      return response
    } catch {
      stats.failures++
      if (idempotent) stats.idempotentFailures++
      stats.statuses.error = (stats.statuses.error ?? 0) + 1
      await sleep(FAILURE_PAUSE_MS)
      return undefined
    }
  }

  const choose = (): Ending => {
    const total = endings.reduce((sum, [, weight]) => sum + weight, 0)
    let pick = Math.random() * total
    for (const [ending, weight] of endings) {
      pick -= weight
      if (pick < 0) return ending
    }
    return 'pay'
  }

  const purchase = async (seller: User, buyer: User) => {
    const listed = await call(() =>
      seller.post<{ id: string }>('/api/tickets', {
        title: `Fault load ${randomUUID().slice(0, 8)}`,
        price: 25,
      }),
    )
    if (listed?.status !== 201) return
    const ticketId = listed.body.id
    if (Math.random() < (options.edits ?? 0.2)) {
      await call(() => seller.put(`/api/tickets/${ticketId}`, { title: 'Fault load, edited', price: 26 }))
    }
    // orders knows the ticket once its replica has the event: 404 until then.
    let order: ApiResponse<{ id: string }> | undefined
    for (let attempt = 0; attempt < 40 && !stopped; attempt++) {
      order = await call(
        () => buyer.post<{ id: string }>('/api/orders', { ticketId }, { 'idempotency-key': randomUUID() }),
        { idempotent: true },
      )
      if (order?.status === 201 || order?.status === 400) break
      await sleep(250)
    }
    if (order?.status !== 201) return
    stats.purchases++
    for (const wake of waiters) wake()
    const orderId = order.body.id
    switch (choose()) {
      case 'pay':
        await call(() => buyer.post('/api/payments', { orderId, token: 'tok_visa' }))
        break
      case 'pay-twice':
        await Promise.all([
          call(() => buyer.post('/api/payments', { orderId, token: 'tok_visa' })),
          call(() => buyer.post('/api/payments', { orderId, token: 'tok_visa' })),
        ])
        break
      case 'cancel':
        await call(() => buyer.request('DELETE', `/api/orders/${orderId}`))
        break
      case 'expire':
        break
    }
  }

  const worker = async (index: number) => {
    while (!stopped) {
      const [seller, buyer] = await Promise.all([users.seller(index), users.buyer(index)]).catch(() => [])
      if (!seller || !buyer) {
        stats.failures++
        await sleep(500)
        continue
      }
      await purchase(seller, buyer)
      await sleep(PACE_MS)
    }
  }
  const workers = Array.from({ length: options.workers ?? 3 }, (_, index) => worker(index))

  return {
    stats,
    async progressed(count, timeoutMs = 60_000) {
      const target = stats.purchases + count
      const deadline = Date.now() + timeoutMs
      while (stats.purchases < target) {
        if (Date.now() > deadline) return false
        await new Promise<void>((resolve) => {
          waiters.add(resolve)
          setTimeout(resolve, 500)
        })
      }
      return true
    },
    async stop() {
      stopped = true
      await Promise.all(workers)
      return stats
    },
  }
}

/**
 * The stack's members, signed up once and kept across rounds. Each worker sells as one seller and buys as
 * one of a few buyers in turn, so that no buyer piles up more open orders than a member may have.
 */
/** Access tokens live 15 minutes: members older than this renew their session before use, as pages do. */
const RENEW_AFTER_MS = 10 * 60_000

interface Member {
  user: Promise<User>
  renewedAt: number
}

export class UserPool {
  readonly #sellers = new Map<number, Member>()
  readonly #buyers = new Map<string, Member>()
  #turn = 0

  constructor(private readonly stack: TestStack) {}

  seller(worker: number): Promise<User> {
    return this.#member(this.#sellers, worker)
  }

  buyer(worker: number): Promise<User> {
    const key = `${worker}:${this.#turn++ % 3}`
    return this.#member(this.#buyers, key)
  }

  async #member<K>(members: Map<K, Member>, key: K): Promise<User> {
    let member = members.get(key)
    if (!member) {
      member = { user: this.stack.signUp(), renewedAt: Date.now() }
      members.set(key, member)
      // A sign-up that failed during a fault is tried again next time.
      member.user.catch(() => members.delete(key))
    }
    const user = await member.user
    if (Date.now() - member.renewedAt > RENEW_AFTER_MS) {
      const renewed = await user.post('/api/users/refresh').catch(() => undefined)
      if (renewed?.status === 200) member.renewedAt = Date.now()
    }
    return user
  }
}
