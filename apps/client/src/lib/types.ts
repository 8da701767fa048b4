/**
 * The API's shapes, taken from the services' OpenAPI documents (`npm run openapi` generates
 * src/api/generated from the route schemas), so a change to a route's schema shows up here as a type error.
 * Prices are major units, as the API sends them.
 */
import type { paths as AuthPaths } from '../api/generated/auth'
import type { paths as OrdersPaths } from '../api/generated/orders'
import type { paths as PaymentsPaths } from '../api/generated/payments'
import type { paths as TicketsPaths } from '../api/generated/tickets'

/** The JSON body a route answers with for a status. */
type Json<Operation, Status extends number> = Operation extends {
  responses: { [S in Status]: { content: { 'application/json': infer Body } } }
}
  ? Body
  : never

/** One item of the common error shape, `{ errors: [{ message, field? }] }`. */
export type ApiErrorItem = Json<TicketsPaths['/api/tickets']['post'], 400>['errors'][number]

export type Ticket = Json<TicketsPaths['/api/tickets/{id}']['get'], 200>

export type Order = Json<OrdersPaths['/api/orders/{id}']['get'], 200>

export type OrderStatus = Order['status']

export type CurrentUser = NonNullable<Json<AuthPaths['/api/users/currentuser']['get'], 200>['currentUser']>

export type UserSummary = Json<AuthPaths['/api/users']['get'], 200>[number]

/** A payment attempt as payments answers it. */
export type Payment = Json<PaymentsPaths['/api/payments/{id}']['get'], 200>

/** An event of the catalogue, with its tickets on sale counted. */
export type CatalogueEvent = Json<TicketsPaths['/api/events/{id}']['get'], 200>

export type EventCategory = CatalogueEvent['category']

/** The marketplace's fee rates, for the forms that show "buyers pay" and "you receive" as a price is typed. */
export type FeeSchedule = Json<TicketsPaths['/api/tickets/fees']['get'], 200>

/** A seller's payout for one sale. */
export type Payout = Json<PaymentsPaths['/api/payments/payouts']['get'], 200>[number]

/** One step of a ticket's custody: listed, sold or given away. */
export type CustodyStep = Json<TicketsPaths['/api/tickets/{id}/history']['get'], 200>[number]
