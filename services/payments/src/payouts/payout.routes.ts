import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { pageRequest, requireAuth, sendPage, signedInUser } from '@ticketing/common'
import Type from 'typebox'
import type { PaymentsContext } from '../context.js'
import { ListPayoutsQuery, OnboardingLink, Payout, PayoutAccount, payoutJson } from './payout.schemas.js'
import { listPayouts, payoutAccountState, payoutOnboardingLink } from './payout.service.js'

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

  app.get(
    '/account',
    {
      onRequest: requireAuth,
      schema: {
        summary:
          "Whether the caller's payouts need an account of theirs at the gateway, and whether it is set up",
        response: { 200: PayoutAccount },
        errors: ['NOT_SIGNED_IN'],
      },
    },
    async (request) => payoutAccountState(ctx, signedInUser(request)),
  )

  app.post(
    '/onboarding',
    {
      onRequest: requireAuth,
      schema: {
        summary: 'Where the caller sets up the account their payouts go to (Stripe Connect onboarding)',
        response: { 200: OnboardingLink },
        errors: ['NOT_SIGNED_IN', 'PAYOUT_ACCOUNT_NOT_NEEDED'],
      },
    },
    async (request) => ({
      // Back to our own Payouts page, never to an address the request names.
      url: await payoutOnboardingLink(
        ctx,
        signedInUser(request),
        new URL('/payouts', ctx.config.PUBLIC_URL).href,
      ),
    }),
  )
}
