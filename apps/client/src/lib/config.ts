/** Where the API is, from the server's side: the gateway (or ingress) that routes /api/* to the services. */
export function apiUrl(): string {
  return (process.env['API_URL'] ?? 'http://127.0.0.1:3000').replace(/\/+$/, '')
}

/** Stripe's publishable key; without it the order page offers the payments sandbox's test cards. */
export function stripePublishableKey(): string | undefined {
  const key = process.env['STRIPE_PUBLISHABLE_KEY']?.trim()
  return key ? key : undefined
}
