/**
 * Every error code the platform can answer with. One registry for all services, so a code means the same
 * thing everywhere and docs/errors.md can be checked against it (test/errors/registry-docs.test.ts).
 *
 * The message is the default shown to users; an error may override it (a validation message, say), but
 * 5xx messages are never replaced with internals.
 */
export const errorRegistry = {
  // Request shape
  VALIDATION_FAILED: { status: 400, message: 'The request is invalid' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'The request body must be JSON (Content-Type: application/json)',
  },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than 1 MB' },
  INVALID_URL: { status: 400, message: 'The request URL is not valid' },
  MALFORMED_REQUEST: { status: 400, message: 'The request is not well-formed HTTP' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large' },

  // Identity
  NOT_SIGNED_IN: { status: 401, message: 'Not signed in' },
  FORBIDDEN: { status: 403, message: 'Forbidden' },
  CROSS_SITE_REQUEST: { status: 403, message: 'Requests from other sites are not allowed' },

  // Resources and routes
  NOT_FOUND: { status: 404, message: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, message: 'Route not found' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  CONFLICT: { status: 409, message: 'The resource was changed at the same time; try again' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; try again later' },

  // auth
  EMAIL_IN_USE: { status: 400, message: 'Email is already in use' },
  INVALID_CREDENTIALS: { status: 400, message: 'Invalid email or password' },
  USER_BANNED: { status: 403, message: 'This account has been banned' },
  SESSION_EXPIRED: { status: 401, message: 'Your session has expired; please sign in again' },
  CANNOT_BAN_SELF: { status: 400, message: 'You cannot ban yourself' },

  // tickets and orders
  NOT_YOURS: { status: 401, message: 'This belongs to someone else' },
  TICKET_RESERVED: { status: 400, message: 'Cannot edit a reserved ticket' },
  TICKET_SOLD: { status: 400, message: 'Cannot edit a sold ticket' },
  EVENT_CANCELLED: { status: 400, message: 'A cancelled event cannot be changed' },
  TICKET_ALREADY_RESERVED: { status: 400, message: 'This ticket is already reserved' },
  TICKET_NOT_ON_SALE: { status: 400, message: 'This ticket is not on sale' },
  TICKET_ON_SALE: { status: 400, message: 'This ticket is on sale: withdraw the listing first' },
  PAYOUT_ACCOUNT_NOT_NEEDED: {
    status: 400,
    message: 'Payouts here need no account of yours: they are paid without one',
  },
  PRICE_CHANGED: { status: 409, message: 'The price just changed; check it and try again' },
  EVENT_TICKET_LIMIT: { status: 400, message: 'You have the most tickets allowed for this event' },
  ORDER_COMPLETE: { status: 400, message: 'A completed order cannot be cancelled' },
  IDEMPOTENCY_KEY_REUSED: { status: 400, message: 'This Idempotency-Key was used for a different request' },
  TOO_MANY_OPEN_ORDERS: {
    status: 400,
    message: 'You have as many open orders as allowed; pay for or cancel one first',
  },

  // payments
  ORDER_CANCELLED: { status: 400, message: 'This order was cancelled' },
  ORDER_EXPIRED: { status: 400, message: 'This order has expired' },
  ORDER_ALREADY_PAID: { status: 400, message: 'This order has already been paid' },
  PAYMENT_IN_PROGRESS: {
    status: 409,
    message: 'A payment for this order is already in progress; it completes or is released within minutes',
  },
  PAYMENT_DECLINED: { status: 402, message: 'Your card was declined' },
  WEBHOOK_SIGNATURE_INVALID: { status: 400, message: 'The webhook signature does not match' },

  // Ours
  INTERNAL: { status: 500, message: 'Something went wrong on our side' },
  NOT_READY: { status: 503, message: 'The service is not ready' },
  PAYMENT_GATEWAY_UNAVAILABLE: {
    status: 503,
    message: 'The card processor is not answering; nothing was charged. Please try again in a moment',
  },
  UPSTREAM_UNAVAILABLE: { status: 503, message: 'This part of the site is not answering; try again shortly' },
  UPSTREAM_TIMEOUT: { status: 504, message: 'This part of the site took too long to answer; try again' },
} as const satisfies Record<string, ErrorSpec>

export interface ErrorSpec {
  readonly status: number
  readonly message: string
}

export type ErrorCode = keyof typeof errorRegistry
