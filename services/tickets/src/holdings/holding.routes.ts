import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { pageRequest, requireAuth, requireRole, sendPage, signedInUser } from '@ticketing/common'
import Type from 'typebox'
import type { TicketsContext } from '../context.js'
import { Ticket, TicketIdParams } from '../tickets/ticket.schemas.js'
import { oneTicketJson, ticketsJson } from '../tickets/ticket.service.js'
import {
  Credential,
  CustodyStep,
  ListHoldingsQuery,
  RelistBody,
  TransferBody,
  Verdict,
  VerifyBody,
} from './holding.schemas.js'
import {
  custodyHistory,
  issueCredential,
  verifyCredential,
  listHoldings,
  relistTicket,
  transferTicket,
  withdrawTicket,
} from './holding.service.js'

/** What a member does with the tickets they hold: list, relist, withdraw, give away; and a ticket's custody. */
export const holdingRoutes: FastifyPluginAsyncTypebox<{ ctx: TicketsContext }> = async (app, { ctx }) => {
  app.get(
    '/mine',
    {
      onRequest: requireAuth,
      schema: {
        summary: 'The tickets the caller holds, newest first; the next page is in the Link header',
        querystring: ListHoldingsQuery,
        response: { 200: Type.Array(Ticket) },
        errors: ['NOT_SIGNED_IN'],
      },
    },
    async (request, reply) => {
      const page = pageRequest(request.query)
      const rows = await listHoldings(ctx, signedInUser(request), page)
      return ticketsJson(ctx, sendPage(request, reply, rows, page))
    },
  )

  app.get(
    '/:id/credential',
    {
      onRequest: requireAuth,
      schema: {
        summary: "The holder's entry credential for the ticket, shown as a QR code",
        params: TicketIdParams,
        response: { 200: Credential },
        errors: ['NOT_SIGNED_IN', 'NOT_FOUND', 'NOT_YOURS'],
      },
    },
    async (request) => ({
      credential: await issueCredential(ctx, signedInUser(request), request.params.id),
    }),
  )

  // Admins stand in for door staff.
  app.post(
    '/verify',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'Check an entry credential at the door: valid, or why not',
        body: VerifyBody,
        response: { 200: Verdict },
        errors: ['NOT_SIGNED_IN', 'FORBIDDEN'],
      },
    },
    async (request) => verifyCredential(ctx, request.body.credential),
  )

  app.get(
    '/:id/history',
    {
      schema: {
        summary: "A ticket's custody: every listing, sale and transfer, oldest first",
        params: TicketIdParams,
        response: { 200: Type.Array(CustodyStep) },
      },
    },
    async (request) => custodyHistory(ctx, request.params.id),
  )

  app.post(
    '/:id/relist',
    {
      onRequest: requireAuth,
      schema: {
        summary: 'Put a held ticket on sale again, the holder becoming its seller',
        params: TicketIdParams,
        body: RelistBody,
        response: { 200: Ticket },
        errors: [
          'NOT_SIGNED_IN',
          'NOT_FOUND',
          'NOT_YOURS',
          'TICKET_RESERVED',
          'TICKET_ON_SALE',
          'TICKET_NOT_ON_SALE',
        ],
      },
    },
    async (request) =>
      oneTicketJson(ctx, await relistTicket(ctx, signedInUser(request), request.params.id, request.body)),
  )

  app.post(
    '/:id/withdraw',
    {
      onRequest: requireAuth,
      schema: {
        summary: 'Take a listing off sale (its seller); the ticket stays theirs',
        params: TicketIdParams,
        response: { 200: Ticket },
        errors: ['NOT_SIGNED_IN', 'NOT_FOUND', 'NOT_YOURS', 'TICKET_RESERVED', 'TICKET_NOT_ON_SALE'],
      },
    },
    async (request) =>
      oneTicketJson(ctx, await withdrawTicket(ctx, signedInUser(request), request.params.id)),
  )

  app.post(
    '/:id/transfer',
    {
      onRequest: requireAuth,
      schema: {
        summary: 'Give a held ticket to another member, by their email',
        params: TicketIdParams,
        body: TransferBody,
        response: { 200: Ticket },
        errors: [
          'NOT_SIGNED_IN',
          'NOT_FOUND',
          'NOT_YOURS',
          'TICKET_RESERVED',
          'TICKET_ON_SALE',
          'TICKET_NOT_ON_SALE',
        ],
      },
    },
    async (request) =>
      oneTicketJson(ctx, await transferTicket(ctx, signedInUser(request), request.params.id, request.body)),
  )
}
