'use client'

import { CardElement, Elements, useElements, useStripe } from '@stripe/react-stripe-js'
import { loadStripe } from '@stripe/stripe-js/pure'
import { useMemo, useState, type FormEvent } from 'react'

interface Props {
  publishableKey: string
  amountLabel: string
  disabled: boolean
  /** Receives the PaymentMethod id, which payments passes to Stripe as the card token. */
  onToken: (token: string) => Promise<void>
}

/** Stripe Elements' card field: the card number never touches our servers, only a PaymentMethod id. */
export function StripeCardForm(props: Props) {
  const [unavailable, setUnavailable] = useState(false)
  const stripe = useMemo(
    () =>
      loadStripe(props.publishableKey).catch(() => {
        setUnavailable(true)
        return null
      }),
    [props.publishableKey],
  )
  if (unavailable) {
    return (
      <p role="alert" className="alert alert-error">
        The card form could not be loaded from Stripe. Check your connection and reload the page.
      </p>
    )
  }
  return (
    <Elements stripe={stripe}>
      <CardForm {...props} />
    </Elements>
  )
}

function CardForm({ amountLabel, disabled, onToken }: Props) {
  const stripe = useStripe()
  const elements = useElements()
  const [error, setError] = useState('')
  const [pending, setPending] = useState(false)

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const card = elements?.getElement(CardElement)
    if (!stripe || !card) return
    setPending(true)
    setError('')
    const { paymentMethod, error: stripeError } = await stripe.createPaymentMethod({ type: 'card', card })
    if (stripeError || !paymentMethod) {
      setPending(false)
      setError(stripeError?.message ?? 'The card could not be read; check the details.')
      return
    }
    await onToken(paymentMethod.id)
    setPending(false)
  }

  return (
    <form onSubmit={(event) => void submit(event)} className="form">
      <div className="field">
        <span className="label" id="card-label">
          Card details
        </span>
        <div className="stripe-card" role="group" aria-labelledby="card-label">
          <CardElement options={{ style: { base: { fontSize: '16px', color: '#1f2937' } } }} />
        </div>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <button
        type="submit"
        className="button button-primary button-large"
        disabled={disabled || pending || !stripe}
      >
        {pending ? 'Paying…' : `Pay ${amountLabel}`}
      </button>
    </form>
  )
}
