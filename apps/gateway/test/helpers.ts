import http from 'node:http'
import { once } from 'node:events'
import { connect, type AddressInfo } from 'node:net'

/** What reached a stand-in service. */
export interface Seen {
  name: string
  method: string
  url: string
  headers: Record<string, string>
  bytes: number
}

/** A stand-in for a service: answers with what reached it, and remembers it. */
export async function echoServer(name: string) {
  const seen: Seen[] = []
  const server = http.createServer((request, response) => {
    let bytes = 0
    request.on('data', (chunk: Buffer) => (bytes += chunk.length))
    request.on('end', () => {
      const what = {
        name,
        method: request.method!,
        url: request.url!,
        headers: request.headers as Record<string, string>,
        bytes,
      }
      seen.push(what)
      response.setHeader('content-type', 'application/json')
      response.setHeader('set-cookie', `from=${name}; Path=/; HttpOnly`)
      response.end(JSON.stringify(what))
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { server, seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

/** Writes bytes to a server as they are and reads what it answers, until it closes or `until` matches. */
export async function rawExchange(port: number, request: string | Buffer, until?: RegExp): Promise<string> {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  let answer = ''
  const done = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString()
      if (until?.test(answer)) resolve()
    })
    socket.on('close', () => resolve())
    socket.on('error', () => resolve())
  })
  socket.write(request)
  await done
  socket.destroy()
  return answer
}

/** POSTs a JSON body over `agent` (kept alive), declared by its length or streamed in chunks; the whole answer. */
export function postBody(
  port: number,
  agent: http.Agent,
  path: string,
  body: Buffer,
  chunked: boolean,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        agent,
        headers: {
          'content-type': 'application/json',
          ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': body.length }),
        },
      },
      (response) => {
        let text = ''
        response.on('data', (chunk: Buffer) => (text += chunk.toString()))
        response.on('end', () => resolve({ status: response.statusCode!, body: text }))
      },
    )
    request.on('error', reject)
    request.end(body)
  })
}

/** API requests no service serves, which either gateway answers itself with a JSON 404. */
export const UNKNOWN_API_ROUTES: [method: string, url: string][] = [
  ['GET', '/api/nowhere'],
  ['GET', '/api'],
  ['DELETE', '/api/'],
  ['POST', '/api/usersx/signin'],
  ['GET', '/api//tickets'],
  ['GET', '/api/metrics'],
]
