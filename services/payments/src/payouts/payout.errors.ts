import { defineError } from '@ticketing/common'

/** The sandbox pays sellers itself: there is no account of theirs to set up. */
export class PayoutAccountNotNeededError extends defineError('PAYOUT_ACCOUNT_NOT_NEEDED') {}
