import { ConfigError } from '@ticketing/common'
import type { Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import { readConfig } from '../src/config.js'
import { createGateway } from '../src/gateways/create-gateway.js'
import { SandboxGateway } from '../src/gateways/sandbox-gateway.js'
import { StripeGateway } from '../src/gateways/stripe-gateway.js'

describe('choosing the payment gateway', () => {
  const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/payments' }

  it('is the sandbox unless PAYMENT_GATEWAY says stripe', () => {
    const db = {} as Kysely<never> // neither gateway touches its database until it is used
    expect(createGateway(readConfig(env), db)).toBeInstanceOf(SandboxGateway)
    const stripe = readConfig({ ...env, PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: 'sk_test_x' })
    expect(createGateway(stripe, db)).toBeInstanceOf(StripeGateway)
  })

  it('refuses to start with Stripe but no secret key', () => {
    expect(() => readConfig({ ...env, PAYMENT_GATEWAY: 'stripe' })).toThrow(ConfigError)
  })

  it('refuses the sandbox in production unless told it is allowed there', () => {
    const production = { ...env, NODE_ENV: 'production' }
    expect(() => readConfig(production)).toThrow(/PAYMENT_GATEWAY: is sandbox in production/)
    expect(readConfig({ ...production, ALLOW_SANDBOX_IN_PRODUCTION: 'true' }).PAYMENT_GATEWAY).toBe('sandbox')
    const stripe = { ...production, PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: 'sk_live_x' }
    expect(readConfig(stripe).PAYMENT_GATEWAY).toBe('stripe')
  })
})
