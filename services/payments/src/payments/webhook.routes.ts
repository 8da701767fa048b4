import type { FastifyPluginAsync } from 'fastify'
import { NotFoundError } from '@ticketing/common'
import Type from 'typebox'
import type { PaymentsContext } from '../context.js'
import { StripeGateway } from '../gateways/stripe-gateway.js'
import { WebhookSignatureError } from './payment.errors.js'
import { applyStripeEvent } from './stripe-webhook.js'

/** What Stripe posts: an event whose `data.object` is, for us, a PaymentIntent. */
const StripeEvent = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    data: Type.Object({ object: Type.Object({}, { additionalProperties: true }) }),
  },
  { additionalProperties: true },
)

const StripeSignatureHeaders = Type.Object({ 'stripe-signature': Type.String() })

/**
 * `/api/payments/webhooks`: called by Stripe, not by a signed-in user. The signature covers the exact bytes
 * Stripe sent, so this plugin reads JSON bodies as they came instead of parsing them.
 */
export const webhookRoutes: FastifyPluginAsync<{ ctx: PaymentsContext }> = async (app, { ctx }) => {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  )

  app.post(
    '/stripe',
    {
      schema: {
        summary: "Stripe's events (payment_intent.*), signed with the webhook's secret; each applied once",
        body: StripeEvent,
        headers: StripeSignatureHeaders,
        response: { 200: Type.Object({ received: Type.Literal(true) }) },
        errors: ['NOT_FOUND', 'WEBHOOK_SIGNATURE_INVALID'],
        rawBody: true,
      },
      // The signature check is this route's validation: these schemas describe Stripe's request for the
      // document, and the bytes are passed on as they came.
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      const secret = ctx.config.STRIPE_WEBHOOK_SECRET
      if (!(ctx.gateway instanceof StripeGateway) || !secret) {
        throw new NotFoundError({ message: 'Stripe webhooks are not configured' })
      }
      const signature = request.headers['stripe-signature']
      let event
      try {
        event = ctx.gateway.verifyWebhook(request.body as Buffer, String(signature ?? ''), secret)
      } catch (error) {
        throw new WebhookSignatureError({ cause: error })
      }
      await applyStripeEvent(ctx, event)
      return reply.send({ received: true })
    },
  )
}
