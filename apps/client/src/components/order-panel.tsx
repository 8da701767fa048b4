'use client'

import dynamic from 'next/dynamic'
import Link from 'next/link'
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import { apiFetch } from '../lib/api-client'
import {
  formatCountdown,
  formatMoney,
  isActiveOrder,
  moneyDifference,
  ORDER_STATUS_LABEL,
  ORDER_STATUS_TONE,
} from '../lib/format'
import type { ApiErrorItem, Order, Payment } from '../lib/types'
import { FormAlert } from './form-parts'

// Stripe's script is loaded only when a publishable key is configured, and only on this page.
const StripeCardForm = dynamic(() => import('./stripe-card-form').then((m) => m.StripeCardForm), {
  ssr: false,
  loading: () => <p className="muted">Loading the card form…</p>,
})

const TEST_CARDS = [
  { token: 'tok_visa', label: 'Visa ending 4242', note: 'payment succeeds' },
  { token: 'tok_chargeDeclined', label: 'Card declined', note: 'the bank refuses the charge' },
  {
    token: 'tok_chargeDeclinedInsufficientFunds',
    label: 'Insufficient funds',
    note: 'declined for lack of funds',
  },
  {
    token: 'tok_threeDSecure2Required',
    label: 'Card with 3-D Secure',
    note: 'your bank asks you to confirm the payment',
  },
] as const

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Phase = 'idle' | 'paying' | 'authenticating' | 'confirming' | 'cancelling'

interface Props {
  initialOrder: Order
  /** The server's clock when it rendered, so a browser with a wrong clock still counts down correctly. */
  serverNow: number
  stripeKey?: string | undefined
}

/** The order page's live part: countdown to expiresAt, the card form, cancel, and the outcome. */
export function OrderPanel({ initialOrder, serverNow, stripeKey }: Props) {
  const [order, setOrder] = useState(initialOrder)
  const [phase, setPhase] = useState<Phase>('idle')
  const [errors, setErrors] = useState<string[]>([])
  const [notice, setNotice] = useState('')
  const [card, setCard] = useState<string>(TEST_CARDS[0].token)
  // A sandbox attempt waiting for the buyer's answer to the stand-in for their bank's 3-D Secure page.
  const [challenge, setChallenge] = useState<Payment | undefined>()
  const [now, setNow] = useState(serverNow)
  const clockOffset = useRef(0)

  const expiresAt = new Date(order.expiresAt).getTime()
  const secondsLeft = Math.max(0, Math.ceil((expiresAt - now) / 1000))
  const active = isActiveOrder(order.status)
  const expired = active && secondsLeft === 0

  useEffect(() => {
    clockOffset.current = serverNow - Date.now()
    if (!isActiveOrder(initialOrder.status)) return
    const timer = setInterval(() => setNow(Date.now() + clockOffset.current), 1000)
    return () => clearInterval(timer)
  }, [serverNow, initialOrder.status])

  const reload = useCallback(async (): Promise<Order | undefined> => {
    const result = await apiFetch<Order>(`/api/orders/${order.id}`)
    if (!result.ok) return undefined
    setOrder(result.data)
    return result.data
  }, [order.id])

  /** Events settle within moments; poll until the order leaves `from`, for up to `seconds`. */
  const settle = useCallback(
    async (done: (o: Order) => boolean, seconds: number): Promise<Order | undefined> => {
      const until = Date.now() + seconds * 1000
      while (Date.now() < until) {
        const latest = await reload()
        if (latest && done(latest)) return latest
        await sleep(1000)
      }
      return undefined
    },
    [reload],
  )

  // The hold ran out: expiration cancels the order within moments; show it when it has.
  useEffect(() => {
    if (!expired) return
    setNotice('Your hold on this ticket has expired and it has been released.')
    void settle((o) => !isActiveOrder(o.status), 30)
  }, [expired, settle])

  async function pay(token: string) {
    setPhase('paying')
    setErrors([])
    setNotice('')
    const result = await apiFetch<Payment>('/api/payments', {
      method: 'POST',
      body: { orderId: order.id, token },
    })
    if (!result.ok) return fail(result.status, result.errors)
    if (result.data.status !== 'requires_action') return finish(result.data)
    setPhase('authenticating')
    if (!stripeKey) {
      setChallenge(result.data) // answered by the sandbox's dialog below
      return
    }
    // Stripe.js shows the bank's page; its outcome reaches payments through Stripe, which we then ask.
    const { loadStripe } = await import('@stripe/stripe-js/pure')
    const stripe = await loadStripe(stripeKey).catch(() => null)
    const outcome = stripe && (await stripe.handleNextAction({ clientSecret: result.data.clientSecret! }))
    if (!outcome || outcome.error) {
      return fail(402, [{ message: outcome?.error?.message ?? 'Your bank could not confirm the payment' }])
    }
    await completeAction(result.data)
  }

  /** The buyer answered their bank: payments learns the outcome now. */
  async function completeAction(payment: Payment) {
    setChallenge(undefined)
    setPhase('paying')
    const result = await apiFetch<Payment>(`/api/payments/${payment.id}/complete-action`, { method: 'POST' })
    if (!result.ok) return fail(result.status, result.errors)
    await finish(result.data)
  }

  function fail(status: number, messages: ApiErrorItem[]) {
    setPhase('idle')
    setChallenge(undefined)
    setErrors(paymentMessages(status, messages))
    void reload()
  }

  /** The card is authorised (or its outcome is on its way): the order completes once orders accepts it. */
  async function finish(payment: Payment) {
    setPhase('confirming')
    if (payment.status === 'pending') {
      // The card processor did not answer in time; payments finds out and settles it within a minute or so.
      setNotice('Your bank is taking a moment to answer. Waiting for it…')
      const known = await settlePayment(payment, 120)
      if (known?.status === 'declined' || known?.status === 'voided') {
        return fail(402, [{ message: 'Your card was declined' }])
      }
    }
    setNotice('Payment accepted. Confirming your order…')
    const settled = await settle((o) => o.status === 'complete' || o.status === 'cancelled', 30)
    setPhase('idle')
    if (settled?.status === 'complete') setNotice('Payment complete. The ticket is yours!')
    else if (settled?.status === 'cancelled')
      setNotice('The hold ran out while paying, so the order was cancelled and nothing was charged.')
    else setNotice('Payment accepted. Your order will show as paid in a moment; refresh to check.')
  }

  async function settlePayment(payment: Payment, seconds: number): Promise<Payment | undefined> {
    const until = Date.now() + seconds * 1000
    while (Date.now() < until) {
      const latest = await apiFetch<Payment>(`/api/payments/${payment.id}`)
      if (latest.ok && latest.data.status !== 'pending') return latest.data
      await sleep(2000)
    }
    return undefined
  }

  async function cancel() {
    setPhase('cancelling')
    setErrors([])
    const result = await apiFetch(`/api/orders/${order.id}`, { method: 'DELETE' })
    setPhase('idle')
    if (!result.ok) {
      setErrors(result.errors.map((e) => e.message))
      return
    }
    setOrder({ ...order, status: 'cancelled' })
    setNotice('Order cancelled. The ticket is back on sale.')
  }

  function submitSandbox(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    void pay(card)
  }

  const busy = phase !== 'idle'
  // The total is what is charged: the price the buyer saw first, all-in. The breakdown is beside it.
  const price = formatMoney(order.total, order.ticket.currency)
  const { currency } = order.ticket
  const fee = formatMoney(moneyDifference(order.total, order.ticket.price, currency), currency)
  // Open (`created`, or `awaiting:payment` once tickets confirmed the hold) and not run out: payable.
  const canPay = active && !expired

  return (
    <div className={`order-panel${active ? ' order-panel-active' : ''}`}>
      <div className="order-summary card">
        <div className="order-summary-row">
          <span className={`badge badge-${ORDER_STATUS_TONE[order.status]}`}>
            {ORDER_STATUS_LABEL[order.status]}
          </span>
          <span className="price price-large">{price}</span>
        </div>
        <p className="muted price-breakdown">
          Ticket {formatMoney(order.ticket.price, order.ticket.currency)} + service fee {fee}. Nothing more is
          added at payment.
        </p>
        {active && <Countdown secondsLeft={secondsLeft} />}
        <p role="status" aria-live="polite" className="status-text order-notice">
          {notice}
        </p>
        {order.status === 'complete' && (
          <p className="success-text">
            {notice ? '' : 'Paid: the ticket is yours. '}
            <Link href="/orders">See all your orders</Link>
          </p>
        )}
        {order.status === 'cancelled' && (
          <>
            {!notice && (
              <p>
                {expiresAt <= now
                  ? 'The hold on this ticket ran out, so the order was cancelled. Nothing was charged.'
                  : 'This order was cancelled. Nothing was charged.'}
              </p>
            )}
            <p>
              <Link href={`/tickets/${order.ticket.id}`}>See the ticket</Link> or{' '}
              <Link href="/">browse other tickets</Link>.
            </p>
          </>
        )}
      </div>

      {active && (
        <section className="card" aria-labelledby="pay-heading">
          <h2 id="pay-heading">Pay for your ticket</h2>
          <FormAlert messages={errors} />
          {stripeKey ? (
            <StripeCardForm
              publishableKey={stripeKey}
              amountLabel={price}
              disabled={!canPay || busy}
              onToken={pay}
            />
          ) : (
            <form onSubmit={submitSandbox} className="form">
              <fieldset className="card-choices" disabled={!canPay || busy}>
                <legend>Test card</legend>
                <p className="field-hint">Development sandbox: no real card is charged.</p>
                {TEST_CARDS.map((option) => (
                  <label key={option.token} className="choice">
                    <input
                      type="radio"
                      name="card"
                      value={option.token}
                      checked={card === option.token}
                      onChange={() => setCard(option.token)}
                    />
                    <span>
                      {option.label} <span className="muted">— {option.note}</span>
                    </span>
                  </label>
                ))}
              </fieldset>
              <button type="submit" className="button button-primary button-large" disabled={!canPay || busy}>
                {phase === 'authenticating'
                  ? 'Waiting for your bank…'
                  : phase === 'paying' || phase === 'confirming'
                    ? 'Paying…'
                    : `Pay ${price}`}
              </button>
            </form>
          )}
          {challenge && (
            <div className="card challenge" role="dialog" aria-labelledby="challenge-heading">
              <h3 id="challenge-heading">Your bank asks you to confirm this payment</h3>
              <p className="field-hint">
                Development sandbox: this stands in for your bank&rsquo;s 3-D Secure page.
              </p>
              <div className="challenge-actions">
                <button
                  type="button"
                  className="button button-primary"
                  onClick={() => void completeAction(challenge)}
                >
                  Confirm {price}
                </button>
                <button
                  type="button"
                  className="button button-ghost"
                  onClick={() => fail(402, [{ message: 'You did not confirm the payment with your bank' }])}
                >
                  Not now
                </button>
              </div>
            </div>
          )}
          <div className="cancel-row">
            <button
              type="button"
              className="button button-danger-ghost"
              onClick={() => void cancel()}
              disabled={busy || !active}
            >
              {phase === 'cancelling' ? 'Cancelling…' : 'Cancel order'}
            </button>
          </div>
        </section>
      )}
    </div>
  )
}

/** The time left, on screen every second; for screen readers once a minute and near the end. */
function Countdown({ secondsLeft }: { secondsLeft: number }) {
  const minutes = Math.ceil(secondsLeft / 60)
  let spoken = ''
  if (secondsLeft === 0) spoken = 'Your hold has expired.'
  else if (secondsLeft <= 30)
    spoken = secondsLeft === 30 || secondsLeft === 10 ? `${secondsLeft} seconds left to pay.` : ''
  else if (secondsLeft % 60 === 0) spoken = `${minutes} ${minutes === 1 ? 'minute' : 'minutes'} left to pay.`
  const [announcement, setAnnouncement] = useState('')
  useEffect(() => {
    if (spoken) setAnnouncement(spoken)
  }, [spoken])

  return (
    <div className={`countdown${secondsLeft <= 60 ? ' countdown-urgent' : ''}`}>
      <span className="countdown-label" id="countdown-label">
        {secondsLeft > 0 ? 'Ticket held for you for' : 'Hold expired'}
      </span>
      {secondsLeft > 0 && (
        <span
          className="countdown-time"
          role="timer"
          aria-labelledby="countdown-label"
          data-testid="countdown"
        >
          {formatCountdown(secondsLeft)}
        </span>
      )}
      <span className="visually-hidden" aria-live="polite">
        {announcement}
      </span>
    </div>
  )
}

function paymentMessages(status: number, errors: ApiErrorItem[]): string[] {
  const messages = errors.map((e) => e.message)
  if (status === 402)
    return [`${messages[0] ?? 'Your card was declined'}. Try another card.`.replace('..', '.')]
  if (status === 400 && messages.some((m) => /expired/i.test(m)))
    return ['Your hold on this ticket expired before the payment went through, so nothing was charged.']
  if (status === 400 && messages.some((m) => /cancelled/i.test(m)))
    return ['This order was cancelled, so nothing was charged. The ticket may be back on sale.']
  return messages
}
