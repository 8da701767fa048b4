import { defineError } from '@ticketing/common'

export class NotYoursError extends defineError('NOT_YOURS') {}
export class OrderCancelledError extends defineError('ORDER_CANCELLED') {}
export class OrderExpiredError extends defineError('ORDER_EXPIRED') {}
export class OrderAlreadyPaidError extends defineError('ORDER_ALREADY_PAID') {}
export class PaymentInProgressError extends defineError('PAYMENT_IN_PROGRESS') {}
export class PaymentDeclinedError extends defineError('PAYMENT_DECLINED') {}
export class GatewayUnavailableError extends defineError('PAYMENT_GATEWAY_UNAVAILABLE') {}
export class WebhookSignatureError extends defineError('WEBHOOK_SIGNATURE_INVALID') {}
