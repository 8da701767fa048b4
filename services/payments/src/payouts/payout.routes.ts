import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { pageRequest, requireAuth, sendPage, signedInUser } from '@ticketing/common'
import Type from 'typebox'
import type { PaymentsContext } from '../context.js'
import { ListPayoutsQuery, Payout, payoutJson } from './payout.schemas.js'
import { listPayouts } from './payout.service.js'

/** `/api/payments/payouts`: what a seller is owed and has been paid for their sales. */
export const payoutRoutes: FastifyPluginAsyncTypebox<{ ctx: PaymentsContext }> = async (app, { ctx }) => {
  app.get(
    '/',
    {
      onRequest: requireAuth,
      schema: {
        summary: "The caller's payouts as a seller, newest first; the next page is in the Link header",
        querystring: ListPayoutsQuery,
        response: { 200: Type.Array(Payout) },
        errors: ['NOT_SIGNED_IN'],
      },
    },
    async (request, reply) => {
      const page = pageRequest(request.query)
      const rows = await listPayouts(ctx, signedInUser(request), page)
      return sendPage(request, reply, rows, page).map(payoutJson)
    },
  )
}
