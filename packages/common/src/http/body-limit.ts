/** The largest request body any route takes (DESIGN §3: 413 above it); the gateway holds bodies to it too. */
export const BODY_LIMIT_BYTES = 1024 * 1024
