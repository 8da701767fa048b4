import http from 'node:http'

export interface AddressResponse<T = unknown> {
  status: number
  body: T
  headers: http.IncomingHttpHeaders
}

/**
 * A visitor of the site from a loopback address of its own (127.0.0.2, 127.0.0.3 …, all of which reach the
 * gateway on this machine): the gateway sees that socket address and forwards it, so limits keyed on the
 * client address can be tested with several "clients" without trusting a header the client wrote.
 */
export class AddressClient {
  readonly #cookies = new Map<string, string>()

  constructor(
    readonly baseUrl: string,
    readonly localAddress: string,
  ) {}

  cookie(name: string): string | undefined {
    return this.#cookies.get(name)
  }

  setCookie(name: string, value: string): void {
    this.#cookies.set(name, value)
  }

  get<T = unknown>(path: string): Promise<AddressResponse<T>> {
    return this.request<T>('GET', path)
  }

  post<T = unknown>(path: string, body?: unknown): Promise<AddressResponse<T>> {
    return this.request<T>('POST', path, body)
  }

  request<T>(method: string, path: string, body?: unknown): Promise<AddressResponse<T>> {
    const url = new URL(path, this.baseUrl)
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const headers: http.OutgoingHttpHeaders = { origin: new URL(this.baseUrl).origin }
    if (payload !== undefined) headers['content-type'] = 'application/json'
    if (this.#cookies.size > 0)
      headers.cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    return new Promise((resolve, reject) => {
      const request = http.request(
        url,
        { method, headers, localAddress: this.localAddress, agent: false },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('error', reject)
          response.on('end', () => {
            for (const header of response.headers['set-cookie'] ?? []) this.#keep(header)
            const text = Buffer.concat(chunks).toString('utf8')
            resolve({
              status: response.statusCode ?? 0,
              body: (text ? JSON.parse(text) : undefined) as T,
              headers: response.headers,
            })
          })
        },
      )
      request.on('error', reject)
      request.end(payload)
    })
  }

  #keep(header: string): void {
    const [pair = '', ...attributes] = header.split(';')
    const separator = pair.indexOf('=')
    const name = pair.slice(0, separator).trim()
    const value = pair.slice(separator + 1).trim()
    const expired = value === '' || attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute))
    if (expired) this.#cookies.delete(name)
    else this.#cookies.set(name, value)
  }
}
