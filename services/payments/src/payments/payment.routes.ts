import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { requireAuth, signedInUser } from '@ticketing/common'
import type { PaymentsContext } from '../context.js'
import { CreatePaymentBody, PaymentParams, PaymentView } from './payment.schemas.js'
import { completeAction, createPayment, getPayment } from './payment.service.js'

/** `/api/payments`: every route needs a sign-in, checked before anything else. */
export const paymentRoutes: FastifyPluginAsyncTypebox<{ ctx: PaymentsContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAuth)

  app.post(
    '/',
    { schema: { body: CreatePaymentBody, response: { 201: PaymentView } } },
    async (request, reply) => {
      const payment = await createPayment(ctx, signedInUser(request), request.body, request.log)
      return reply.status(201).send(payment)
    },
  )

  app.get('/:id', { schema: { params: PaymentParams, response: { 200: PaymentView } } }, async (request) =>
    getPayment(ctx, signedInUser(request), request.params.id),
  )

  /** The buyer finished 3-D Secure in the browser: the outcome is recorded now, not at the reconciler's round. */
  app.post(
    '/:id/complete-action',
    { schema: { params: PaymentParams, response: { 200: PaymentView } } },
    async (request) => completeAction(ctx, signedInUser(request), request.params.id),
  )
}
