import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { requireAuth, signedInUser } from '@ticketing/common'
import type { PaymentsContext } from '../context.js'
import { CreatedPayment, CreatePaymentBody } from './payment.schemas.js'
import { createPayment } from './payment.service.js'

/** `/api/payments`: every route needs a sign-in, checked before anything else. */
export const paymentRoutes: FastifyPluginAsyncTypebox<{ ctx: PaymentsContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAuth)

  app.post(
    '/',
    { schema: { body: CreatePaymentBody, response: { 201: CreatedPayment } } },
    async (request, reply) => {
      const payment = await createPayment(ctx, signedInUser(request), request.body, request.log)
      return reply.status(201).send(payment)
    },
  )
}
