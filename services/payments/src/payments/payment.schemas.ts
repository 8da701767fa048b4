import Type, { type Static } from 'typebox'

export const CreatePaymentBody = Type.Object({
  orderId: Type.String({ format: 'uuid' }),
  token: Type.String({ minLength: 1, maxLength: 255 }),
})

export const PaymentParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

/** What the buyer is told about a payment attempt (see PaymentStatus for its life). */
export const PaymentView = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('requires_action'),
    Type.Literal('authorized'),
    Type.Literal('captured'),
    Type.Literal('declined'),
    Type.Literal('voided'),
    Type.Literal('refunded'),
  ]),
  /** With requires_action: for Stripe.js (or the sandbox's stand-in) to finish authentication. */
  clientSecret: Type.Optional(Type.String()),
  declineReason: Type.Optional(Type.String()),
})

export type PaymentView = Static<typeof PaymentView>
