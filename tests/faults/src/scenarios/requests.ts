import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { poll, type Scenario } from '../harness.js'

interface Answer {
  status: number
  body: { id?: string }
}

/**
 * A buyer submits the same reservation twice at once: with the same Idempotency-Key both get the first
 * answer (one order); with different keys one gets the order and the other is refused. Payments are double
 * submitted too (the load's `pay-twice`): one charge at most (I7).
 */
export const doubleSubmit: Scenario = {
  name: 'double-submit',
  load: { workers: 3, endings: { pay: 1, 'pay-twice': 2, cancel: 1 } },
  async inject({ users, target, log, problem }) {
    const seller = await users.seller(97)
    for (const sameKey of [true, false, true, false]) {
      const buyer = await users.buyer(97)
      const listed = await seller.post<{ id: string }>('/api/tickets', { title: 'Double submit', price: 20 })
      if (listed.status !== 201) throw new Error(`listing answered ${listed.status}`)
      // Both submits once orders knows the ticket: before, both would be 404 (or one, in a race with the event).
      const known = await poll(async () => {
        const client = new pg.Client({ connectionString: target.databaseUrls.orders })
        await client.connect()
        try {
          const { rowCount } = await client.query('select 1 from ticket_replicas where id = $1', [
            listed.body.id,
          ])
          return rowCount ? true : undefined
        } finally {
          await client.end()
        }
      }, 20_000)
      if (!known) {
        problem('the double-submitted ticket never reached orders')
        continue
      }
      const key = randomUUID()
      const submit = () =>
        buyer.post<{ id?: string }>(
          '/api/orders',
          { ticketId: listed.body.id },
          { 'idempotency-key': sameKey ? key : randomUUID() },
        )
      const answers: Answer[] = await Promise.all([submit(), submit()])
      const statuses = answers.map((answer) => answer.status).sort()
      log(`${sameKey ? 'same key' : 'different keys'}: ${statuses.join(', ')}`)
      if (sameKey) {
        if (statuses.join() !== '201,201' || answers[0]!.body.id !== answers[1]!.body.id) {
          problem(
            `same Idempotency-Key answered ${statuses.join(', ')} with orders ${answers.map((a) => a.body.id).join(', ')}`,
          )
        }
      } else if (
        statuses.filter((status) => status === 201).length !== 1 ||
        !statuses.every((s) => s === 201 || s === 400)
      ) {
        problem(`different Idempotency-Keys answered ${statuses.join(', ')}: want one 201 and one 400`)
      }
    }
  },
}
