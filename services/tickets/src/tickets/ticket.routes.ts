import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { pageRequest, requireAuth, sendPage, signedInUser } from '@ticketing/common'
import Type from 'typebox'
import type { TicketsContext } from '../context.js'
import { FeeSchedule } from '../fees/fees.js'
import {
  ListTicketsQuery,
  Ticket,
  TicketEdit,
  TicketIdParams,
  TicketInput,
  titleOfEventOptional,
} from './ticket.schemas.js'
import {
  createTicket,
  getTicket,
  isFirstPageOnSale,
  listTicketsPage,
  oneTicketJson,
  ticketsJson,
  updateTicket,
} from './ticket.service.js'

/** `/api/tickets`: anyone browses; a signed-in seller lists and edits their own tickets. */
export const ticketRoutes: FastifyPluginAsyncTypebox<{ ctx: TicketsContext }> = async (app, { ctx }) => {
  app.get(
    '/',
    {
      schema: {
        summary: "Tickets on sale, newest first, or one seller's; the next page is in the Link header",
        querystring: ListTicketsQuery,
        response: { 200: Type.Array(Ticket) },
      },
    },
    async (request, reply) => {
      const { userId, q } = request.query
      const page = pageRequest(request.query)
      const filter = { sellerId: userId, search: q?.trim() || undefined }
      const rows = await listTicketsPage(ctx, filter, page)
      const shown = sendPage(request, reply, rows, page)
      if (!isFirstPageOnSale(filter, page)) return ticketsJson(ctx, shown)
      const body = await ctx.cache.renderedFirstPage(
        'tickets',
        page.size,
        rows,
        async () => reply.serialize(await ticketsJson(ctx, shown)) as string,
      )
      // Serialised already, by this route's own serializer: Fastify sends a string as it is.
      return reply.type('application/json; charset=utf-8').send(body as never)
    },
  )

  app.get(
    '/fees',
    {
      schema: {
        summary: "The fees on every sale: a buyer's on top of the price, a seller's out of it",
        response: { 200: FeeSchedule },
      },
    },
    async () => ({
      buyerFeePercent: ctx.config.BUYER_FEE_PERCENT,
      sellerFeePercent: ctx.config.SELLER_FEE_PERCENT,
      currency: ctx.config.CURRENCY,
    }),
  )

  app.get(
    '/:id',
    { schema: { summary: 'One ticket', params: TicketIdParams, response: { 200: Ticket } } },
    async (request) => oneTicketJson(ctx, await getTicket(ctx, request.params.id)),
  )

  // requireAuth on onRequest, before the body is validated: signed out is 401 whatever the body says.
  app.post(
    '/',
    {
      onRequest: requireAuth,
      preValidation: titleOfEventOptional,
      schema: {
        summary: 'List a ticket for sale',
        body: TicketInput,
        response: { 201: Ticket },
        errors: ['NOT_SIGNED_IN'],
      },
    },
    async (request, reply) => {
      const ticket = await createTicket(ctx, signedInUser(request), request.body)
      return reply.status(201).send(await oneTicketJson(ctx, ticket))
    },
  )

  app.put(
    '/:id',
    {
      onRequest: requireAuth,
      schema: {
        summary: "Edit a ticket's title and price (its seller, while nobody holds it)",
        params: TicketIdParams,
        body: TicketEdit,
        response: { 200: Ticket },
        errors: ['NOT_SIGNED_IN', 'NOT_FOUND', 'NOT_YOURS', 'TICKET_RESERVED', 'TICKET_SOLD'],
      },
    },
    async (request) =>
      oneTicketJson(ctx, await updateTicket(ctx, signedInUser(request), request.params.id, request.body)),
  )
}
