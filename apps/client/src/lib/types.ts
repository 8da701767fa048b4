/** The API's shapes (DESIGN.md §3); prices are major units, as the API sends them. */

export interface ApiErrorItem {
  message: string
  field?: string
}

export interface Ticket {
  id: string
  title: string
  price: number
  currency: string
  userId: string
  version: number
  /** The order holding it: present while it is reserved, and on the sale once sold. */
  orderId?: string
  /** Whether it can be bought: on sale, held by an order, or sold. */
  status: 'available' | 'reserved' | 'sold'
}

export type OrderStatus = 'created' | 'awaiting:payment' | 'cancelled' | 'complete'

export interface Order {
  id: string
  status: OrderStatus
  userId: string
  expiresAt: string
  version: number
  ticket: { id: string; title: string; price: number; currency: string }
}

export interface CurrentUser {
  id: string
  email: string
  role: string
}

export interface UserSummary {
  id: string
  email: string
  role: string
  createdAt: string
  bannedAt: string | null
  banReason: string | null
}

/** A payment attempt as payments answers it (DESIGN §3). */
export interface Payment {
  id: string
  orderId: string
  status: 'pending' | 'requires_action' | 'authorized' | 'captured' | 'declined' | 'voided' | 'refunded'
  /** With requires_action: what Stripe.js needs to finish 3-D Secure. */
  clientSecret?: string
  declineReason?: string
}
