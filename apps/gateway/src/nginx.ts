import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chown, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { BODY_LIMIT_BYTES, errorRegistry, type ErrorCode } from '@ticketing/common/setup'
import { routesOf, type Config } from './config.js'
import { MAX_URL_LENGTH } from './request-target.js'
import { RETRY_DEADLINE_MS } from './upstreams.js'

/**
 * The local gateway as nginx runs it (decision 20): the same routes, refusals, retries and page micro-cache
 * as the Node gateway (app.ts), written as an nginx configuration. `npm start` runs it when nginx is
 * installed, because it is the proxy the Kubernetes ingress runs and it proxies a request for about a tenth
 * of the CPU (docs/architecture.md, "Performance"). The Node gateway stays for machines without nginx and
 * for TRUST_PROXY, which this configuration does not read.
 */
export interface NginxOptions {
  /** Where nginx keeps its pid, temporary files and the page cache; created by the caller. */
  runtimeDir: string
  /** The address to listen on (HOST), `0.0.0.0` for every interface. */
  host: string
  /** When nginx starts as root, the user its workers run as (they write the cache and temporary files). */
  user?: string
  /** Keep anonymous page views for a second, as the Node gateway's micro-cache does (default true). */
  microCache?: boolean
}

/** A request target the services must never see, and why: the reasons of request-target.ts, as regexes. */
const REFUSED_TARGETS: [pattern: string, reason: string][] = [
  [`^.{${MAX_URL_LENGTH + 1}}`, `The request URL is longer than ${MAX_URL_LENGTH} characters`],
  ['^(?!/)|^//', 'The request URL must be a path'],
  [
    // Every `%` in the path starts a well-formed UTF-8 sequence (RFC 3629's table): no lone or truncated `%`,
    // no overlong form, no surrogate, nothing past U+10FFFF. Possessive, so a long path never backtracks.
    '^(?!(?:[^%?]++|%[0-7][0-9a-f]|%(?:c[2-9a-f]|d[0-9a-f])%[89ab][0-9a-f]' +
      '|%e0%[ab][0-9a-f]%[89ab][0-9a-f]|%(?:e[1-9abcef])(?:%[89ab][0-9a-f]){2}|%ed%[89][0-9a-f]%[89ab][0-9a-f]' +
      '|%f0%[9ab][0-9a-f](?:%[89ab][0-9a-f]){2}|%f[1-3](?:%[89ab][0-9a-f]){3}|%f4%8[0-9a-f](?:%[89ab][0-9a-f]){2}' +
      ')*+(?:\\?|$))',
    'The request path is not properly percent-encoded',
  ],
  ['^[^?]*(?:%2f|%5c|\\x5c)', 'The request path must not contain encoded separators or backslashes'],
  ['^[^?]*/(?:\\.|%2e){1,2}(?:/|\\?|$)', 'The request path must not contain dot segments'],
  ['^[^?]*%(?:[01][0-9a-f]|7f)', 'The request path must not contain control characters'],
]

/** Where API requests that carry an Idempotency-Key are routed inside nginx; never reachable from outside. */
const RETRYABLE = '/_retryable'

/** The answers nginx gives itself, in the common error shape. */
const OWN_ANSWERS: [name: string, status: number, code: ErrorCode, from: string][] = [
  ['malformed', 400, 'MALFORMED_REQUEST', '400'],
  ['timeout', 408, 'REQUEST_TIMEOUT', '408'],
  // Only nginx's own: a path into an internal location.
  ['not_found', 404, 'ROUTE_NOT_FOUND', '404'],
  ['too_large', 413, 'BODY_TOO_LARGE', '413'],
  // 414: a request line longer than a header buffer; 494: a header line longer than one.
  ['headers_too_large', 431, 'HEADERS_TOO_LARGE', '414 494'],
  // 502: no instance answered; 504: one answered too late.
  ['unavailable', 503, 'UPSTREAM_UNAVAILABLE', '500 502 503 504'],
]

/** The body of an error in the common shape, as an nginx string (where `$` would name a variable). */
function errorBody(message: string): string {
  if (/[$'\\]/.test(message)) throw new Error(`cannot write "${message}" into the nginx configuration`)
  return `'${JSON.stringify({ errors: [{ message }] })}'`
}

/** nginx's name for an upstream group: the service's (or client's) host and port list, made a name. */
const groupName = (upstreams: string[]) =>
  upstreams.map((url) => new URL(url).host.replace(/[^\w]/g, '_')).join('__')

/**
 * Every header a response of ours carries, repeated in each location that adds its own: nginx drops the
 * server's `add_header`s in a location that has any.
 */
const COMMON_RESPONSE_HEADERS = [
  'add_header X-Request-Id $gateway_request_id always;',
  'add_header X-Content-Type-Options nosniff always;',
]

export function nginxConfig(config: Config, options: NginxOptions): string {
  const dir = options.runtimeDir
  const routes = routesOf(config)
  const groups = new Map(routes.map((route) => [groupName(route.upstreams), route.upstreams]))
  const microCache = options.microCache ?? true
  const messages = REFUSED_TARGETS.map(([pattern, reason]) => `    "~*${pattern}" "${reason}";`)
  const apiRoutes = routes.filter((route) => route.prefix !== '/')
  const pages = routes.find((route) => route.prefix === '/')!

  const proxied = (upstreams: string[], uri = '') => [
    `proxy_pass http://${groupName(upstreams)}${uri};`,
    ...COMMON_RESPONSE_HEADERS,
  ]
  const lines = [
    '# Written by apps/gateway/src/nginx.ts at every `npm start`: edit that, not this.',
    'daemon off;',
    'worker_processes 1;',
    ...(options.user ? [`user ${options.user};`] : []),
    `pid ${dir}/nginx.pid;`,
    'error_log stderr warn;',
    'pcre_jit on;',
    'events { worker_connections 8192; }',
    'http {',
    '  access_log off;',
    '  server_tokens off;',
    `  client_body_temp_path ${dir}/body;`,
    `  proxy_temp_path ${dir}/proxy;`,
    `  fastcgi_temp_path ${dir}/fastcgi;`,
    `  uwsgi_temp_path ${dir}/uwsgi;`,
    `  scgi_temp_path ${dir}/scgi;`,
    '  default_type "application/json; charset=utf-8";',
    '  tcp_nodelay on;',
    '  keepalive_timeout 65s;',
    '  keepalive_requests 100000;',
    // The body limit every service holds to, told before a byte is sent on; bodies are read whole first, so
    // a chunked one over the limit is refused here too.
    `  client_max_body_size ${BODY_LIMIT_BYTES};`,
    `  client_body_buffer_size ${BODY_LIMIT_BYTES};`,
    // A line longer than Node's whole head may be (16 KB) is refused here; a head of shorter lines over it, by
    // the service's parser. Both with 431. A header line Node would not take is refused here, not dropped.
    '  large_client_header_buffers 4 16k;',
    '  ignore_invalid_headers off;',
    '  proxy_http_version 1.1;',
    '  proxy_connect_timeout 5s;',
    // A service's answer is passed on as it comes (no temporary files), like the Node gateway's stream.
    '  proxy_buffering off;',
    // Retries (README, "the retry budget"): a connection refused or reset, or a 503, sends the request to
    // the next instance; nginx sends a POST on only when it never reached the first.
    '  proxy_next_upstream error http_503;',
    '  proxy_next_upstream_tries 0;',
    `  proxy_next_upstream_timeout ${RETRY_DEADLINE_MS / 1000}s;`,
    // Who asked and how, as an ingress says it, never as a client claims it; the request id every log carries.
    '  proxy_set_header Host $http_host;',
    '  proxy_set_header Connection "";',
    '  proxy_set_header Forwarded "";',
    '  proxy_set_header X-Real-IP "";',
    '  proxy_set_header X-Forwarded-For $remote_addr;',
    '  proxy_set_header X-Forwarded-Host $http_host;',
    '  proxy_set_header X-Forwarded-Proto $scheme;',
    '  proxy_set_header X-Request-Id $gateway_request_id;',
    '  proxy_hide_header X-Request-Id;',
    '  proxy_hide_header X-Content-Type-Options;',
    '  map $http_x_request_id $gateway_request_id {',
    '    "~^[\\w.:-]{1,128}$" $http_x_request_id;',
    '    default $request_id;',
    '  }',
    '  map $request_uri $refused_target {',
    ...messages.map((line) => `  ${line}`),
    '    default "";',
    '  }',
    ...(microCache
      ? [
          `  proxy_cache_path ${dir}/pages levels=1 keys_zone=pages:1m max_size=64m inactive=10s use_temp_path=off;`,
          // A browser with a session (or the hint that it had one) and the client router's own requests
          // always reach the client: see micro-cache.ts.
          '  map "$cookie_session$cookie_refresh$cookie_signed_in$http_authorization$http_rsc$http_next_action$http_next_router_state_tree$http_next_router_prefetch" $page_cache_bypass {',
          '    "" 0;',
          '    default 1;',
          '  }',
          // Only whole HTML pages are kept (Next.js's hashed assets are cached by browsers already).
          '  map $upstream_http_content_type $page_not_html {',
          '    "~^text/html" 0;',
          '    default 1;',
          '  }',
        ]
      : []),
    ...[...groups].flatMap(([name, upstreams]) => [
      `  upstream ${name} {`,
      // Never marked down: nginx would answer "no live upstreams" for as long as every instance was marked,
      // which is exactly while they are restarted one after another. A refused connection costs a moment.
      ...upstreams.map((url) => `    server ${new URL(url).host} max_fails=0;`),
      '    keepalive 64;',
      '    keepalive_timeout 60s;',
      '    keepalive_requests 100000;',
      '  }',
    ]),
    '  server {',
    `    listen ${options.host.includes(':') ? `[${options.host}]` : options.host}:${config.PORT} backlog=4096;`,
    // As the Node gateway routes: `/api//tickets` is no route, not `/api/tickets`.
    '    merge_slashes off;',
    ...OWN_ANSWERS.map(([name, status, , from]) => `    error_page ${from} =${status} /_gateway/${name};`),
    ...COMMON_RESPONSE_HEADERS.map((line) => `    ${line}`),
    `    if ($refused_target) { return 400 '{"errors":[{"message":"$refused_target"}]}'; }`,
    `    location = /healthz { return 200 '{"status":"ok"}'; }`,
    // Every /api path that no service serves: the client would answer with an HTML page.
    `    location = /api { return 404 ${errorBody(errorRegistry.ROUTE_NOT_FOUND.message)}; }`,
    `    location /api/ { return 404 ${errorBody(errorRegistry.ROUTE_NOT_FOUND.message)}; }`,
    // An API request with an Idempotency-Key may go to a second instance after a reset or a 503, whatever its
    // method (the services answer a repeat with the first answer): nginx decides that per location, so such a
    // request is moved to a twin location, which sends the URI on exactly as it came.
    `    if ($http_idempotency_key) { rewrite ^(/api(?:/.*)?)$ ${RETRYABLE}$1 last; }`,
    ...apiRoutes.flatMap((route) =>
      [`= ${route.prefix}`, `${route.prefix}/`].flatMap((match) => [
        `    location ${match} {`,
        ...proxied(route.upstreams).map((line) => `      ${line}`),
        '    }',
        `    location ${match.replace(/\/api/, `${RETRYABLE}/api`)} {`,
        '      internal;',
        '      proxy_next_upstream error http_503 non_idempotent;',
        ...proxied(route.upstreams, '$request_uri').map((line) => `      ${line}`),
        '    }',
      ]),
    ),
    `    location ${RETRYABLE}/ { internal; return 404 ${errorBody(errorRegistry.ROUTE_NOT_FOUND.message)}; }`,
    '    location / {',
    ...proxied(pages.upstreams).map((line) => `      ${line}`),
    ...(microCache
      ? [
          '      proxy_buffering on;',
          '      proxy_cache pages;',
          // Next.js compresses per request: the encoding asked for is part of the page.
          '      proxy_cache_key $http_host$request_uri$http_accept_encoding;',
          // Next.js marks every dynamic page no-store for browsers; this cache keeps one for a second anyway,
          // for anonymous viewers only (decision 18). An answer that sets a cookie is never kept.
          '      proxy_ignore_headers Cache-Control Expires;',
          '      proxy_cache_valid 200 1s;',
          '      proxy_cache_use_stale updating;',
          '      proxy_cache_background_update on;',
          '      proxy_cache_lock on;',
          '      proxy_cache_lock_timeout 5s;',
          '      proxy_cache_bypass $page_cache_bypass;',
          '      proxy_no_cache $page_cache_bypass $page_not_html;',
          '      add_header X-Cache $upstream_cache_status always;',
        ]
      : []),
    '    }',
    // URIs, not named locations: nginx cannot send a request whose line it could not parse to a named one.
    ...OWN_ANSWERS.map(
      ([name, status, code]) =>
        `    location = /_gateway/${name} { internal; return ${status} ${errorBody(errorRegistry[code].message)}; }`,
    ),
    '  }',
    '}',
    '',
  ]
  return lines.join('\n')
}

/** nginx from the system's packages (Debian: nginx-light), or undefined when it is not installed. */
export function findNginx(): string | undefined {
  const directories = [
    ...(process.env.PATH ?? '').split(':').filter(Boolean),
    '/usr/sbin',
    '/usr/bin',
    '/usr/local/sbin',
  ]
  return directories.map((directory) => path.join(directory, 'nginx')).find((file) => existsSync(file))
}

/**
 * Writes the configuration into `runtimeDir` and says how to run nginx on it in the foreground. As root, nginx's
 * workers run as `nobody`, who is given the folder.
 */
export async function prepareNginx(
  config: Config,
  options: Omit<NginxOptions, 'user'>,
): Promise<{ command: string; args: string[] }> {
  const command = findNginx()
  if (!command) throw new Error('nginx is not installed (Debian: apt-get install nginx-light)')
  const dir = options.runtimeDir
  const root = process.getuid?.() === 0
  const configFile = path.join(dir, 'nginx.conf')
  await writeFile(configFile, nginxConfig(config, { ...options, ...(root && { user: 'nobody nogroup' }) }))
  if (root) {
    const nobody = Number(execFileSync('id', ['-u', 'nobody']).toString())
    const nogroup = Number(execFileSync('id', ['-g', 'nobody']).toString())
    await chown(dir, nobody, nogroup)
  }
  return { command, args: ['-p', dir, '-c', configFile, '-e', 'stderr'] }
}
