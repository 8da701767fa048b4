import type { FastifyPluginAsync } from 'fastify'
import { NotFoundError } from '@ticketing/common'
import type { PaymentsContext } from '../context.js'
import { StripeGateway } from '../gateways/stripe-gateway.js'
import { WebhookSignatureError } from './payment.errors.js'
import { applyStripeEvent } from './stripe-webhook.js'

/**
 * `/api/payments/webhooks`: called by Stripe, not by a signed-in user. The signature covers the exact bytes
 * Stripe sent, so this plugin reads JSON bodies as they came instead of parsing them.
 */
export const webhookRoutes: FastifyPluginAsync<{ ctx: PaymentsContext }> = async (app, { ctx }) => {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  )

  app.post('/stripe', async (request, reply) => {
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
  })
}
