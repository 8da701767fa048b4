import Type from 'typebox'

export const CreatePaymentBody = Type.Object({
  orderId: Type.String({ format: 'uuid' }),
  token: Type.String({ minLength: 1, maxLength: 255 }),
})
export const CreatedPayment = Type.Object({ id: Type.String() })
