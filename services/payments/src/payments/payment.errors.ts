import { defineError } from '@ticketing/common'

export class NotYoursError extends defineError('NOT_YOURS') {}
export class OrderCancelledError extends defineError('ORDER_CANCELLED') {}
export class OrderExpiredError extends defineError('ORDER_EXPIRED') {}
export class OrderAlreadyPaidError extends defineError('ORDER_ALREADY_PAID') {}
export class PaymentDeclinedError extends defineError('PAYMENT_DECLINED') {}
