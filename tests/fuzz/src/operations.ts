/**
 * The operations the probe drives, service by service: method, path (`:id` where an id goes), the
 * properties of the body and the parameters of the query. Listed by hand from the route files until the
 * OpenAPI documents exist; then they come from the documents, and the probe checks that each is registered.
 */
export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  body?: readonly string[]
  /** A valid-looking value per body property, so that one hostile property is not always masked by another. */
  plausible?: Record<string, string>
  query?: readonly string[]
  headers?: readonly string[]
}

const page = ['limit', 'cursor'] as const
const credentials = { email: '"someone@example.com"', password: '"correct horse battery"' }

export const operations = {
  auth: [
    { method: 'POST', path: '/api/users/signup', body: ['email', 'password'], plausible: credentials },
    { method: 'POST', path: '/api/users/signin', body: ['email', 'password'], plausible: credentials },
    { method: 'POST', path: '/api/users/signout' },
    { method: 'POST', path: '/api/users/signout-all' },
    { method: 'POST', path: '/api/users/refresh' },
    { method: 'GET', path: '/api/users/currentuser' },
    { method: 'GET', path: '/api/users', query: page },
    { method: 'POST', path: '/api/users/:id/ban', body: ['reason'] },
    { method: 'POST', path: '/api/users/:id/unban' },
  ],
  tickets: [
    { method: 'GET', path: '/api/tickets', query: [...page, 'userId', 'q'] },
    { method: 'GET', path: '/api/tickets/:id' },
    {
      method: 'POST',
      path: '/api/tickets',
      body: ['title', 'price'],
      plausible: { title: '"Show"', price: '25' },
    },
    {
      method: 'PUT',
      path: '/api/tickets/:id',
      body: ['title', 'price'],
      plausible: { title: '"Show"', price: '25' },
    },
  ],
  orders: [
    { method: 'POST', path: '/api/orders', body: ['ticketId'], headers: ['idempotency-key'] },
    { method: 'GET', path: '/api/orders', query: page },
    { method: 'GET', path: '/api/orders/:id' },
    { method: 'DELETE', path: '/api/orders/:id' },
  ],
  payments: [
    {
      method: 'POST',
      path: '/api/payments',
      body: ['orderId', 'token'],
      plausible: { orderId: '"0b0a3c1e-7d1f-4f3a-9a53-3f1a0e2b9c11"', token: '"tok_visa"' },
    },
    { method: 'GET', path: '/api/payments/:id' },
    { method: 'POST', path: '/api/payments/:id/complete-action' },
    { method: 'POST', path: '/api/payments/webhooks/stripe', body: ['id', 'type', 'data'] },
  ],
} as const satisfies Record<string, readonly Operation[]>
