// A small server for running the built app without nginx: serves dist/ with the same
// caching and security headers as nginx.conf, and proxies /api and /ws (WebSocket
// included) to one or more backend instances, round-robin per request or connection.
// Used by scripts/run-local.sh and the end-to-end tests. Node's standard library only.
//
//   node server/serve.mjs --port 8080 --upstream 127.0.0.1:8001 --upstream 127.0.0.1:8002

import { createReadStream, existsSync, statSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const here = path.dirname(fileURLToPath(import.meta.url))
const { values: options } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8080' },
    dist: { type: 'string', default: path.join(here, '..', 'dist') },
    upstream: { type: 'string', multiple: true, default: ['127.0.0.1:8000'] },
  },
})

const dist = path.resolve(options.dist)
const upstreams = options.upstream.map((address) => {
  const [host, port] = address.replace(/^https?:\/\//, '').split(':')
  return { host, port: Number(port) }
})
if (!existsSync(path.join(dist, 'index.html'))) {
  console.error(`serve: ${dist}/index.html is missing; run "npm run build" first`)
  process.exit(1)
}

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; " +
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
}

const MAX_BODY_BYTES = 1024 * 1024

let next = 0
/** Upstreams in the order to try them for one request: round-robin, then the others. */
function upstreamOrder() {
  const start = next++ % upstreams.length
  return upstreams.map((_, index) => upstreams[(start + index) % upstreams.length])
}

function isProxied(url) {
  return url.startsWith('/api/') || url === '/api' || url.startsWith('/ws/')
}

function forwardedHeaders(req) {
  const headers = { ...req.headers }
  const client = req.socket.remoteAddress ?? ''
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${client}`
    : client
  headers['x-forwarded-proto'] = 'http'
  return headers
}

/** Reads a request body (API bodies are small) so it can be sent again to another instance. */
function readBody(req, limitBytes, done) {
  const chunks = []
  let size = 0
  req.on('data', (chunk) => {
    size += chunk.length
    if (size > limitBytes) req.destroy()
    else chunks.push(chunk)
  })
  req.on('end', () => done(Buffer.concat(chunks)))
}

function proxyHttp(req, res, body, order = upstreamOrder()) {
  const [target, ...rest] = order
  if (target === undefined) {
    res.writeHead(502, { 'Content-Type': 'application/json' })
    res.end(
      JSON.stringify({ detail: { code: 'bad_gateway', message: 'no backend instance answered' } }),
    )
    return
  }
  const upstream = http.request(
    {
      host: target.host,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: forwardedHeaders(req),
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    },
  )
  upstream.on('error', (error) => {
    // A refused connection means the call never started: try the next instance.
    if (!res.headersSent && error.code === 'ECONNREFUSED') proxyHttp(req, res, body, rest)
    else res.destroy()
  })
  upstream.end(body)
}

function proxyUpgrade(req, client, head, order = upstreamOrder()) {
  const [target, ...rest] = order
  if (target === undefined) {
    client.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n')
    return
  }
  const upstream = net.connect(target.port, target.host)
  let connected = false
  upstream.once('connect', () => {
    connected = true
    const lines = [`${req.method} ${req.url} HTTP/1.1`]
    for (const [name, value] of Object.entries(forwardedHeaders(req))) {
      for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${one}`)
    }
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`)
    if (head.length > 0) upstream.write(head)
    upstream.pipe(client)
    client.pipe(upstream)
    // From here on the two sockets live and die together.
    upstream.on('close', () => client.destroy())
    client.on('close', () => upstream.destroy())
    client.on('error', () => upstream.destroy())
  })
  upstream.on('error', (error) => {
    // Before the connection is made, a refusal means "try the next instance".
    if (!connected && error.code === 'ECONNREFUSED') proxyUpgrade(req, client, head, rest)
    else client.destroy()
  })
}

function serveFile(req, res) {
  const pathname = decodeURIComponent(new URL(req.url, 'http://local').pathname)
  let file = path.join(dist, path.normalize(pathname))
  if (!file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) {
    // The app's own routes (/b/<id>) all load index.html.
    file = path.join(dist, 'index.html')
  }
  const hashed = file.startsWith(path.join(dist, 'assets') + path.sep)
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  })
  if (req.method === 'HEAD') res.end()
  else createReadStream(file).pipe(res)
}

const server = http.createServer((req, res) => {
  const url = req.url ?? '/'
  if (url === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' })
    res.end('ok\n')
  } else if (isProxied(url)) {
    readBody(req, MAX_BODY_BYTES, (body) => proxyHttp(req, res, body))
  } else if (req.method === 'GET' || req.method === 'HEAD') {
    serveFile(req, res)
  } else {
    res.writeHead(405, { Allow: 'GET, HEAD' })
    res.end()
  }
})

server.on('upgrade', (req, client, head) => {
  if ((req.url ?? '').startsWith('/ws/')) proxyUpgrade(req, client, head)
  else client.destroy()
})

const sockets = new Set()
server.on('connection', (socket) => {
  sockets.add(socket)
  socket.on('close', () => sockets.delete(socket))
})

function stop() {
  server.close(() => process.exit(0))
  for (const socket of sockets) socket.destroy()
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)

server.listen(Number(options.port), options.host, () => {
  const targets = upstreams.map(({ host, port }) => `${host}:${port}`).join(', ')
  console.log(`serve: http://${options.host}:${options.port} (dist ${dist}; backends ${targets})`)
})
