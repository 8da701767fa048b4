import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { requireAuth, signedInUser } from '@ticketing/common'
import type { PaymentsContext } from '../context.js'
import { GatewayUnavailableError, PaymentDeclinedError } from './payment.errors.js'
import { CreatePaymentBody, PaymentParams, PaymentView } from './payment.schemas.js'
import { completeAction, createPayment, getPayment } from './payment.service.js'

/** `/api/payments`: every route needs a sign-in, checked before anything else. */
export const paymentRoutes: FastifyPluginAsyncTypebox<{ ctx: PaymentsContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAuth)

  app.post(
    '/',
    {
      schema: {
        summary: "Pay for one of the caller's orders with a card token",
        body: CreatePaymentBody,
        response: { 201: PaymentView },
        errors: [
          'NOT_SIGNED_IN',
          'NOT_FOUND',
          'NOT_YOURS',
          'ORDER_CANCELLED',
          'ORDER_ALREADY_PAID',
          'ORDER_EXPIRED',
          'PAYMENT_IN_PROGRESS',
          'PAYMENT_DECLINED',
          'PAYMENT_GATEWAY_UNAVAILABLE',
        ],
      },
    },
    async (request, reply) => {
      const payment = await createPayment(ctx, signedInUser(request), request.body, request.log).catch(
        (error: unknown) => {
          if (error instanceof PaymentDeclinedError)
            ctx.metrics?.paymentOutcomes?.inc({ outcome: 'declined' })
          if (error instanceof GatewayUnavailableError)
            ctx.metrics?.paymentOutcomes?.inc({ outcome: 'failed' })
          throw error
        },
      )
      ctx.metrics?.paymentOutcomes?.inc({ outcome: payment.status })
      return reply.status(201).send(payment)
    },
  )

  app.get(
    '/:id',
    {
      schema: {
        summary: 'One payment attempt of the caller',
        params: PaymentParams,
        response: { 200: PaymentView },
        errors: ['NOT_SIGNED_IN', 'NOT_FOUND', 'NOT_YOURS'],
      },
    },
    async (request) => getPayment(ctx, signedInUser(request), request.params.id),
  )

  /** The buyer finished 3-D Secure in the browser: the outcome is recorded now, not at the reconciler's round. */
  app.post(
    '/:id/complete-action',
    {
      schema: {
        summary: 'The buyer finished 3-D Secure: learn the outcome now',
        params: PaymentParams,
        response: { 200: PaymentView },
        errors: ['NOT_SIGNED_IN', 'NOT_FOUND', 'NOT_YOURS', 'PAYMENT_DECLINED'],
      },
    },
    async (request) => completeAction(ctx, signedInUser(request), request.params.id),
  )
}
