/**
 * Reservations of one ticket in this instance, one at a time. At an on-sale a crowd reserves one ticket at
 * once: each reservation would read the ticket's orders, then, finding none yet, open a transaction and race
 * on the unique index, and all but one would lose there after a transaction's work. Queued here instead, the
 * first goes ahead; once it has reserved the ticket, the buyers waiting behind it are told at once, with no
 * query. The database still decides every race: between instances, and whenever the queue is empty.
 */
export class ReservationGate {
  readonly #queues = new Map<string, { tail: Promise<unknown>; heldBy?: string }>()

  /**
   * Runs `reserve` for the ticket after the reservations of it already queued here. `refuse` is thrown at once,
   * without running it, when one of those reserved the ticket for another buyer.
   */
  async run<T extends { userId: string }>(
    ticketId: string,
    buyerId: string,
    reserve: () => Promise<T>,
    refuse: () => Error,
  ): Promise<T> {
    const queue = this.#queues.get(ticketId) ?? { tail: Promise.resolve() }
    this.#queues.set(ticketId, queue)
    const turn = queue.tail.then(async () => {
      if (queue.heldBy !== undefined && queue.heldBy !== buyerId) throw refuse()
      const order = await reserve()
      queue.heldBy = order.userId
      return order
    })
    // The next in line waits for this one to end, however it ends.
    const tail = turn.catch(() => undefined)
    queue.tail = tail
    try {
      return await turn
    } finally {
      if (queue.tail === tail) this.#queues.delete(ticketId)
    }
  }
}
