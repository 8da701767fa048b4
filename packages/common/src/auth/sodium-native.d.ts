// sodium-native ships no types (and @types/sodium-native describes its version 2): the little we call, as its
// README documents it.
declare module 'sodium-native' {
  const sodium: {
    readonly crypto_sign_BYTES: number
    readonly crypto_sign_PUBLICKEYBYTES: number
    /** Whether `signature` is `publicKey`'s Ed25519 signature of `message`. */
    crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean
  }
  export default sodium
}
