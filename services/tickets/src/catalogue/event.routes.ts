import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { pageRequest, requireRole, sendPage, toMinorUnits } from '@ticketing/common'
import Type from 'typebox'
import type { TicketsContext } from '../context.js'
import { Ticket } from '../tickets/ticket.schemas.js'
import { ticketsJson } from '../tickets/ticket.service.js'
import {
  Event,
  EventIdParams,
  EventInput,
  eventJson,
  EventTicketsQuery,
  ListEventsQuery,
} from './event.schemas.js'
import {
  cancelEvent,
  createEvent,
  getEvent,
  listEventsPage,
  listTicketsOfEvent,
  updateEvent,
} from './event.service.js'

/** `/api/events`: anyone browses the catalogue; admins add, edit, postpone and cancel events. */
export const eventRoutes: FastifyPluginAsyncTypebox<{ ctx: TicketsContext }> = async (app, { ctx }) => {
  const currency = ctx.config.CURRENCY
  const json = (event: Parameters<typeof eventJson>[0]) => eventJson(event, currency)

  app.get(
    '/',
    {
      schema: {
        summary: 'Upcoming events, soonest first; the next page is in the Link header',
        querystring: ListEventsQuery,
        response: { 200: Type.Array(Event) },
      },
    },
    async (request, reply) => {
      const { q, city, category, from, to } = request.query
      const page = pageRequest(request.query, 'instant')
      const rows = await listEventsPage(ctx, { q, city, category, from, to }, page)
      return sendPage(request, reply, rows, page, (event) => event.starts_at).map(json)
    },
  )

  app.get(
    '/:id',
    {
      schema: { summary: 'One event, whatever its status', params: EventIdParams, response: { 200: Event } },
    },
    async (request) => json(await getEvent(ctx, request.params.id)),
  )

  app.get(
    '/:id/tickets',
    {
      schema: {
        summary: "An event's tickets on sale, cheapest first; the next page is in the Link header",
        params: EventIdParams,
        querystring: EventTicketsQuery,
        response: { 200: Type.Array(Ticket) },
        errors: ['NOT_FOUND'],
      },
    },
    async (request, reply) => {
      const { maxPrice, section } = request.query
      const page = pageRequest(request.query, 'integer')
      const filter = {
        // A bound, not a price: amounts between two minor units round down, never letting a dearer one in.
        maxPrice: maxPrice === undefined ? undefined : Math.floor(toMinorUnits(maxPrice, currency) + 1e-6),
        section: section?.trim() || undefined,
      }
      const rows = await listTicketsOfEvent(ctx, request.params.id, filter, page)
      return ticketsJson(
        ctx,
        sendPage(request, reply, rows, page, (ticket) => ticket.price),
      )
    },
  )

  app.post(
    '/',
    {
      preHandler: requireRole('admin'),
      schema: {
        summary: 'Add an event to the catalogue (admin)',
        body: EventInput,
        response: { 201: Event },
        errors: ['NOT_SIGNED_IN', 'FORBIDDEN'],
      },
    },
    async (request, reply) => reply.status(201).send(json(await createEvent(ctx, request.body))),
  )

  app.put(
    '/:id',
    {
      preHandler: requireRole('admin'),
      schema: {
        summary: 'Edit, postpone or reschedule an event (admin)',
        params: EventIdParams,
        body: EventInput,
        response: { 200: Event },
        errors: ['NOT_SIGNED_IN', 'FORBIDDEN', 'NOT_FOUND', 'EVENT_CANCELLED'],
      },
    },
    async (request) => json(await updateEvent(ctx, request.params.id, request.body)),
  )

  app.post(
    '/:id/cancel',
    {
      preHandler: requireRole('admin'),
      schema: {
        summary: 'Cancel an event (admin): its listings are withdrawn, its orders cancelled and refunded',
        params: EventIdParams,
        response: { 200: Event },
        errors: ['NOT_SIGNED_IN', 'FORBIDDEN', 'NOT_FOUND'],
      },
    },
    async (request) => json(await cancelEvent(ctx, request.params.id)),
  )
}
