/** Where the API is, from the server's side: the gateway (or ingress) that routes /api/* to the services. */
export function apiUrl(): string {
  return (process.env['API_URL'] ?? 'http://127.0.0.1:3000').replace(/\/+$/, '')
}

/** Stripe's publishable key; without it the order page offers the payments sandbox's test cards. */
export function stripePublishableKey(): string | undefined {
  const key = process.env['STRIPE_PUBLISHABLE_KEY']?.trim()
  return key ? key : undefined
}

/** The hold the orders service gives a reservation (the same ORDER_HOLD_SECONDS), in words: "15 minutes". */
export function holdInWords(): string {
  const seconds = Number(process.env['ORDER_HOLD_SECONDS'] ?? 900)
  if (!Number.isFinite(seconds) || seconds <= 0) return '15 minutes'
  if (seconds % 60 !== 0) return `${seconds} seconds`
  const minutes = seconds / 60
  return minutes === 1 ? '1 minute' : `${minutes} minutes`
}
