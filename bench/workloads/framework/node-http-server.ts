// The floor: the same answer from a bare node:http server, no routing, validation or logging.
import http from 'node:http'

const server = http.createServer((request, response) => {
  const id = request.url!.slice('/tickets/'.length)
  const body = JSON.stringify({ id, title: 'Concert', price: 19.99 })
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  })
  response.end(body)
})
server.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.address() as { port: number }).port })
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
