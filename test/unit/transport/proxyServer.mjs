// A real HTTP proxy for the proxy tests (the `proxy` package by TooTallNate: CONNECT and forwarding),
// run in its own process so that only it resolves `model.internal` (to 127.0.0.1): a client that
// ignores the proxy cannot reach the model server. Settings come from the environment:
//   PROXY_AUTH=user:pass   require these Basic credentials (407 otherwise)
//   PROXY_DENY_CONNECT=1   answer every CONNECT 403 (as squid does for non-443 ports), forward plain HTTP
// Prints `listening <port>`, then one JSON line per request it sees: method, target, headers' names,
// and whether an Authorization header (the API key) was visible to it.
import dns from 'node:dns';
import http from 'node:http';
import { createProxy } from 'proxy';

const originalLookup = dns.lookup;
dns.lookup = (hostname, options, callback) => {
  const cb = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'function' ? {} : options;
  if (hostname === 'model.internal') {
    if (opts && opts.all) return process.nextTick(() => cb(null, [{ address: '127.0.0.1', family: 4 }]));
    return process.nextTick(() => cb(null, '127.0.0.1', 4));
  }
  return originalLookup(hostname, options, callback);
};

const server = createProxy(http.createServer());
const expected = process.env.PROXY_AUTH ? `Basic ${Buffer.from(process.env.PROXY_AUTH).toString('base64')}` : undefined;
if (expected) server.authenticate = (req) => req.headers['proxy-authorization'] === expected;

const log = (req, extra) =>
  process.stdout.write(
    `${JSON.stringify({ method: req.method, url: req.url, sawAuthorization: 'authorization' in req.headers, proxyAuthorization: 'proxy-authorization' in req.headers, ...extra })}\n`,
  );
server.prependListener('request', (req) => log(req));
if (process.env.PROXY_DENY_CONNECT) {
  server.removeAllListeners('connect');
  server.on('connect', (req, socket) => {
    log(req, { denied: true });
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
  });
} else {
  server.prependListener('connect', (req) => log(req));
}
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
