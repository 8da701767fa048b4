import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { pageRequest, requireAuth, sendPage, signedInUser } from '@ticketing/common'
import Type from 'typebox'
import type { OrdersRouteContext } from '../context.js'
import {
  CreateOrderBody,
  IdempotencyHeaders,
  ListOrdersQuery,
  Order,
  OrderIdParams,
  orderJson,
} from './order.schemas.js'
import { cancelOrder, createOrder, getOrder, listOrders } from './order.service.js'

/** `/api/orders`: every route needs a sign-in, checked before anything else. */
export const orderRoutes: FastifyPluginAsyncTypebox<{ ctx: OrdersRouteContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAuth)

  // Per member, not per address: a buyer behind a shared address is not held up by the others there.
  const reservations = {
    name: 'order-reservations',
    max: ctx.config.ORDER_RATE_LIMIT_PER_MINUTE,
    windowSeconds: 60,
  }
  const reservationLimit = async (request: FastifyRequest) =>
    ctx.limits.enforce(reservations, signedInUser(request).id)

  app.post(
    '/',
    {
      preHandler: reservationLimit,
      schema: {
        summary: 'Reserve a ticket: the order holds it until expiresAt',
        body: CreateOrderBody,
        headers: IdempotencyHeaders,
        response: { 201: Order },
        errors: [
          'NOT_SIGNED_IN',
          'NOT_FOUND',
          'TICKET_ALREADY_RESERVED',
          'TICKET_NOT_ON_SALE',
          'PRICE_CHANGED',
          'EVENT_TICKET_LIMIT',
          'IDEMPOTENCY_KEY_REUSED',
          'TOO_MANY_OPEN_ORDERS',
          'RATE_LIMITED',
        ],
      },
    },
    async (request, reply) => {
      const order = await createOrder(
        ctx,
        signedInUser(request),
        request.body,
        request.headers['idempotency-key'],
      )
      return reply.status(201).send(order)
    },
  )

  app.get(
    '/',
    {
      schema: {
        summary: "The caller's orders, newest first; the next page is in the Link header",
        querystring: ListOrdersQuery,
        response: { 200: Type.Array(Order) },
        errors: ['NOT_SIGNED_IN'],
      },
    },
    async (request, reply) => {
      const page = pageRequest(request.query)
      const rows = await listOrders(ctx, signedInUser(request), page)
      return sendPage(request, reply, rows, page).map(orderJson)
    },
  )

  app.get(
    '/:id',
    {
      schema: {
        summary: "One of the caller's orders",
        params: OrderIdParams,
        response: { 200: Order },
        errors: ['NOT_SIGNED_IN', 'NOT_FOUND', 'NOT_YOURS'],
      },
    },
    async (request) => getOrder(ctx, signedInUser(request), request.params.id),
  )

  app.delete(
    '/:id',
    {
      schema: {
        summary: 'Cancel an open order: the ticket is released',
        params: OrderIdParams,
        response: { 204: Type.Null({ description: 'Cancelled' }) },
        errors: ['NOT_SIGNED_IN', 'NOT_FOUND', 'NOT_YOURS', 'ORDER_COMPLETE'],
      },
    },
    async (request, reply) => {
      await cancelOrder(ctx, signedInUser(request), request.params.id)
      return reply.status(204).send(null)
    },
  )
}
