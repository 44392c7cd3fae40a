/**
 * The façade's one outbound request on behalf of a stranger: a client ID metadata document, at a
 * URL the client chose. Server-side request forgery is what to prevent, so:
 *
 * - the host name is resolved once (the resolver is injected; tests never do real DNS) and every
 *   address it resolves to is checked: loopback, private, link-local (cloud metadata), CGNAT,
 *   documentation, benchmark, multicast, reserved, unique-local and IPv4-mapped / NAT64 / 6to4
 *   forms of those are refused;
 * - the connection goes to the address that was checked (node:https with a lookup pinned to it;
 *   TLS still verifies the certificate against the host name): no second resolution, no window
 *   between check and use;
 * - through a proxy (HTTPS_PROXY, unless NO_PROXY names the host), the façade cannot see where
 *   the proxy connects: it resolves nothing itself (behind a proxy the names often do not resolve
 *   locally), applies the host-name rules, and tunnels with CONNECT; the proxy is then the place
 *   that must refuse internal destinations.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { Readable } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import type { LookupFunction, Socket } from 'node:net';

// node:https, node:tls and node:dns are loaded when a document is fetched, not when the CLI starts.
const https = () => import('node:https');

export interface HostAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has. */
export type Resolver = (host: string) => Promise<HostAddress[]>;

/** How the document is reached: the checked address, or a proxy. */
export type Via = { address: HostAddress } | { proxy: URL };

/** Sends GET `url` the way `via` says (never following redirects) and answers its response. */
export type DocumentConnect = (url: URL, via: Via, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<Response>;

export const systemResolver: Resolver = async (host) =>
  (await (await import('node:dns/promises')).lookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

const V4: [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'special-purpose'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];
const V6: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'IPv4-compatible'],
  ['64:ff9b:1::', 48, 'local NAT64'],
  ['100::', 64, 'discard'],
  ['2001::', 23, 'special-purpose'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique-local (private)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

const v4List = V4.map(([net, prefix, why]) => ({ list: blockOf(net, prefix, 'ipv4'), why }));
const v6List = V6.map(([net, prefix, why]) => ({ list: blockOf(net, prefix, 'ipv6'), why }));

function blockOf(net: string, prefix: number, type: 'ipv4' | 'ipv6'): BlockList {
  const b = new BlockList();
  b.addSubnet(net, prefix, type);
  return b;
}

/** The 16 bytes of an IPv6 address (with an optional trailing dotted quad), or undefined. */
function ipv6Bytes(address: string): number[] | undefined {
  let a = address;
  let tail: number[] = [];
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (quad) {
    tail = quad[1]!.split('.').map(Number);
    a = `${a.slice(0, -quad[1]!.length)}0:0`;
  }
  const [head, rest] = a.split('::') as [string, string | undefined];
  const parse = (s: string) => (s ? s.split(':').map((h) => parseInt(h, 16)) : []);
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const groups = rest === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return undefined;
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  if (quad) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** Why an address must not be fetched from, or undefined for a public address. */
export function blockedAddress(raw: string): string | undefined {
  const address = raw.replace(/%.*$/, '').replace(/^\[|\]$/g, '');
  const type = isIP(address);
  if (type === 4) return v4List.find((b) => b.list.check(address, 'ipv4'))?.why;
  if (type !== 6) return 'not an IP address';
  const bytes = ipv6Bytes(address.toLowerCase());
  if (!bytes) return 'not an IP address';
  const embedded = (at: number) => bytes.slice(at, at + 4).join('.');
  const zero = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  // IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::) carry an IPv4 address.
  if (zero(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return blockedAddress(embedded(12)) ?? 'IPv4-mapped';
  if (bytes[0] === 0 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zero(4, 12)) {
    const why = blockedAddress(embedded(12));
    if (why) return why;
  }
  if (bytes[0] === 0x20 && bytes[1] === 0x02) {
    const why = blockedAddress(embedded(2));
    if (why) return why;
  }
  return v6List.find((b) => b.list.check(address, 'ipv6'))?.why;
}

/** The host name as fetched: lower case, without the trailing dot(s) of a fully qualified name. */
export function normalHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.+$/, '');
}

/** The proxy for `url` from HTTPS_PROXY / https_proxy, unless NO_PROXY / no_proxy names its host. */
export function proxyFor(url: URL, env: Record<string, string | undefined>): URL | undefined {
  const raw = env.HTTPS_PROXY ?? env.https_proxy;
  if (!raw) return undefined;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').toLowerCase();
  const host = normalHost(url.hostname);
  const port = url.port || '443';
  for (const entry of noProxy.split(/[\s,]+/).filter(Boolean)) {
    if (entry === '*') return undefined;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\*?\.?/, ''))!;
    const name = normalHost(m[1]!);
    if (m[2] && m[2] !== port) continue;
    if (name && (host === name || host.endsWith(`.${name}`))) return undefined;
  }
  const proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') throw new Error('HTTPS_PROXY must be an http:// or https:// URL.');
  return proxy;
}

function toResponse(res: IncomingMessage): Response {
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
  }
  const status = res.statusCode ?? 502;
  const empty = status === 204 || status === 205 || status === 304;
  if (empty) res.resume();
  return new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, headers });
}

/** A tunnel to `host:port` through the proxy (HTTP CONNECT). */
async function tunnel(proxy: URL, host: string, port: string, signal: AbortSignal): Promise<Socket> {
  const httpsRequest = (await https()).request;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `${host}:${port}` };
    if (proxy.username) headers['proxy-authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
    const send = proxy.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send({ host: proxy.hostname.replace(/^\[|\]$/g, ''), port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80), method: 'CONNECT', path: `${host}:${port}`, headers, signal, agent: false });
    req.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`the proxy answered HTTP ${res.statusCode} to CONNECT`));
        return;
      }
      resolve(socket);
    });
    req.once('error', reject);
    req.end();
  });
}

/** The default connector: node:https to the checked address, or through the proxy's tunnel. */
export function httpsConnector(tls: Pick<ConnectionOptions, 'ca'> = {}): DocumentConnect {
  return async (url, via, init) => {
    const host = normalHost(url.hostname);
    const port = url.port || '443';
    const socket = 'proxy' in via ? await tunnel(via.proxy, host, port, init.signal) : undefined;
    const httpsRequest = (await https()).request;
    const tlsConnect = (await import('node:tls')).connect;
    return new Promise<Response>((resolve, reject) => {
      const req = httpsRequest({
        host,
        servername: host,
        port,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { ...init.headers, host: url.port ? `${host}:${url.port}` : host },
        signal: init.signal,
        ...tls,
        ...(socket
          ? // No agent: node:http then uses this connection (an agent would open its own, resolving the name).
            { createConnection: () => tlsConnect({ socket, servername: host, ...tls }) }
          : {
              agent: false,
              // Pinned: the connection goes to the address that was checked, never to a new answer.
              lookup: ((_name: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
                const a = (via as { address: HostAddress }).address;
                if (options?.all) callback(null, [{ address: a.address, family: a.family }]);
                else callback(null, a.address, a.family);
              }) as unknown as LookupFunction,
            }),
      });
      req.once('response', (res) => resolve(toResponse(res)));
      req.once('error', (e) => {
        socket?.destroy();
        reject(e);
      });
      req.end();
    });
  };
}
