/**
 * The gateway's MCP endpoint for the stateless revision 2026-07-28, beside the 2025-era handling in gateway.ts.
 *
 * Evidence, rule by rule:
 * - [M1] AgentCore Gateway supports 2026-07-28 besides 2025-11-25, 2025-06-18 and 2025-03-26; "Version 2026-07-28 is a
 *   stateless protocol revision. Clients do not perform an initialize handshake. Each request carries its protocol
 *   version in the MCP-Protocol-Version header and in the _meta field (io.modelcontextprotocol/protocolVersion). The
 *   gateway discovers capabilities through server/discover." (docs.aws.amazon.com/bedrock-agentcore/latest/devguide/
 *   gateway-using.html). A gateway serves it when protocolConfiguration.mcp.supportedVersions lists it
 *   (dev.classmethod.jp/en/articles/agentcore-gateway-enable-mcp-2026-07-28: "2026-07-28 was added to
 *   supportedVersions … tools/list without Mcp-Session-Id passes, and existing 2025-11-25 calls continue to succeed").
 * - [M2] Which requests are 2026-07-28 ones: body first (a `_meta` protocol-version claim, or `server/discover`), the
 *   header as a cross-check; revisions are ISO dates, 2026-07-28 and later are the "modern" era (MCP TypeScript SDK
 *   2.4.0, @modelcontextprotocol/client dist: protocolEras.ts `isModernProtocolVersion`, inboundClassification.ts
 *   INBOUND_VALIDATION_LADDER "era-classification": "Body-primary era classification with the protocol-version header
 *   as a cross-check").
 * - [M3] A version the gateway does not support: HTTP 400, JSON-RPC error -32022 UnsupportedProtocolVersion with
 *   `data: { supported, requested }` (SEP-2575; "When a server receives a request whose declared protocol version it
 *   does not implement, it MUST return this error so clients can fall back to a mutually supported version",
 *   csharp.sdk.modelcontextprotocol.io UnsupportedProtocolVersionErrorData; SDK 2.4.0 LADDER_ERROR_HTTP_STATUS maps
 *   it to 400). A client that also speaks a 2025 revision then falls back to `initialize` (SDK 2.4.0
 *   client/dist public-*.mjs classifyRpcError: -32022 whose `supported` has no modern version → "legacy"). What
 *   AgentCore itself sends for a 2026-07-28 request to a gateway without it is UNCONFIRMED: this is the spec's answer.
 * - [M4] The `_meta` envelope: `io.modelcontextprotocol/protocolVersion` and `io.modelcontextprotocol/clientCapabilities`
 *   are required on every request (SDK 2.4.0 RequestMetaEnvelopeSchema / checkInboundEnvelope: "Request is missing the
 *   required _meta envelope for protocol revision 2026-07-28"); a missing or malformed one is HTTP 400 -32602.
 * - [M5] Standard headers (SEP-2243): every request POST carries MCP-Protocol-Version and Mcp-Method (= the body's
 *   method); tools/call, prompts/get and resources/read carry Mcp-Name (= params.name / params.uri; a value outside
 *   printable ASCII is sent as `=?base64?…?=`); a missing or disagreeing header is HTTP 400 -32020 HeaderMismatch
 *   (SDK 2.4.0 HEADER_MISMATCH_ERROR_CODE, MCP_NAME_HEADER_SOURCE, encodeMcpParamValue; the client sets them in
 *   StreamableHTTPClientTransport._applyBodyDerivedHeaders). Notifications are exempt. Whether AgentCore enforces the
 *   headers is UNCONFIRMED; the emulator does, so a proxy that dropped them (the façade) would fail the tests.
 * - [M6] No sessions: no Mcp-Session-Id is issued or required (SEP-2567; [M1] classmethod test).
 * - [M7] Results carry `resultType: "complete"` (the SDK client rejects a 2026-07-28 result without it: "servers
 *   implementing protocol revision 2026-07-28 MUST include it"); tools/list results carry the SEP-2549 cache fields
 *   `ttlMs` and `cacheScope` (required by the SDK's ListToolsResult schema; the values AgentCore sends are UNCONFIRMED:
 *   0 ms and "private", as a per-user authorized answer); server/discover answers `supportedVersions` (the gateway's
 *   list), `capabilities`, `instructions` and the server's name in `_meta["io.modelcontextprotocol/serverInfo"]`
 *   (SDK 2.4.0 DiscoverResultSchema, spec PR #3002).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { empty, sendJson } from './http.js';

export const MODERN_VERSION = '2026-07-28';
/** [M2] 2026-07-28 and every later revision (ISO dates order chronologically). */
export const isModern = (v: string) => v >= MODERN_VERSION;

const PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';
const CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
const SERVER_INFO = 'io.modelcontextprotocol/serverInfo';
const UNSUPPORTED_PROTOCOL_VERSION = -32022;
const HEADER_MISMATCH = -32020;
/** [M5] The methods whose Mcp-Name header mirrors a body field. */
const MCP_NAME_SOURCE: Record<string, string> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

export interface Rpc {
  jsonrpc?: string;
  id?: string | number | null;
  method: string;
  params?: Record<string, unknown>;
}

export interface Tool {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
}

function envelopeOf(rpc: Rpc): Record<string, unknown> | undefined {
  const meta = rpc.params?._meta;
  return meta && typeof meta === 'object' && !Array.isArray(meta) ? (meta as Record<string, unknown>) : undefined;
}

/** [M2] Is this a 2026-07-28 (or later) request: a `_meta` version claim, server/discover, or a modern header on anything but initialize. */
export function isModernRequest(rpc: Rpc, req: IncomingMessage): boolean {
  if (typeof envelopeOf(rpc)?.[PROTOCOL_VERSION] === 'string') return true;
  if (rpc.method === 'server/discover') return true;
  const header = req.headers['mcp-protocol-version'];
  return typeof header === 'string' && isModern(header) && rpc.method !== 'initialize';
}

/** [M5] An Mcp-Name value as the client encoded it. */
function decodeHeaderValue(v: string): string {
  const m = /^=\?base64\?(.*)\?=$/.exec(v);
  return m ? Buffer.from(m[1]!, 'base64').toString('utf8') : v;
}

export interface ModernGateway {
  name: string;
  versions: string[];
  instructions?: string;
  tools: Tool[];
}

/** Answer one 2026-07-28 request (already authorized). */
export function serveModern(gw: ModernGateway, req: IncomingMessage, res: ServerResponse, rpc: Rpc): void {
  const id = rpc.id ?? null;
  const error = (status: number, code: number, message: string, data?: unknown) => sendJson(res, status, { jsonrpc: '2.0', id, error: { code, message, ...(data !== undefined ? { data } : {}) } });
  const reply = (result: Record<string, unknown>) => sendJson(res, 200, { jsonrpc: '2.0', id, result: { resultType: 'complete', ...result } });
  const envelope = envelopeOf(rpc);
  const claimed = envelope?.[PROTOCOL_VERSION];
  const header = typeof req.headers['mcp-protocol-version'] === 'string' ? req.headers['mcp-protocol-version'] : undefined;
  // [M2] The header cross-checks the body's claim.
  if (typeof claimed === 'string' && header !== undefined && header !== claimed) {
    return error(400, HEADER_MISMATCH, `Header mismatch: MCP-Protocol-Version ${header} differs from the request's _meta protocol version ${claimed}`);
  }
  const requested = typeof claimed === 'string' ? claimed : header;
  // [M3] A version the gateway does not list (also a 2026-07-28 request to a gateway that lists only 2025 revisions).
  if (requested !== undefined && !gw.versions.includes(requested)) {
    return error(400, UNSUPPORTED_PROTOCOL_VERSION, 'Unsupported protocol version', { supported: gw.versions, requested });
  }
  // [M4] The envelope.
  const caps = envelope?.[CLIENT_CAPABILITIES];
  if (typeof claimed !== 'string' || !caps || typeof caps !== 'object' || Array.isArray(caps)) {
    const missing = [typeof claimed !== 'string' ? PROTOCOL_VERSION : '', !caps || typeof caps !== 'object' ? CLIENT_CAPABILITIES : ''].filter(Boolean);
    return error(400, -32602, `Invalid params: the _meta envelope of protocol revision ${MODERN_VERSION} is missing ${missing.join(' and ') || 'valid values'}`);
  }
  // Notifications: nothing to answer, no header rules ([M5]).
  if (rpc.id === undefined || rpc.id === null) return empty(res, 202);
  // [M5] Standard request headers.
  if (header === undefined) return error(400, HEADER_MISMATCH, 'Header mismatch: the MCP-Protocol-Version header is required');
  const method = req.headers['mcp-method'];
  if (typeof method !== 'string') return error(400, HEADER_MISMATCH, 'Header mismatch: the Mcp-Method header is required');
  if (method !== rpc.method) return error(400, HEADER_MISMATCH, `Header mismatch: Mcp-Method ${method} differs from the request's method ${rpc.method}`);
  const field = MCP_NAME_SOURCE[rpc.method];
  if (field) {
    const want = rpc.params?.[field];
    const name = req.headers['mcp-name'];
    if (typeof want === 'string') {
      if (typeof name !== 'string') return error(400, HEADER_MISMATCH, 'Header mismatch: the Mcp-Name header is required');
      if (decodeHeaderValue(name) !== want) return error(400, HEADER_MISMATCH, `Header mismatch: Mcp-Name differs from the request's params.${field}`);
    }
  }
  // [M6] Mcp-Session-Id, if any, is ignored; [M7] the results.
  switch (rpc.method) {
    case 'server/discover':
      return reply({
        supportedVersions: gw.versions,
        capabilities: { tools: { listChanged: false } },
        ...(gw.instructions ? { instructions: gw.instructions } : {}),
        _meta: { [SERVER_INFO]: { name: gw.name, version: '1.0.0' } },
      });
    case 'ping':
      return reply({});
    case 'tools/list':
      return reply({ tools: gw.tools, ttlMs: 0, cacheScope: 'private' });
    case 'tools/call': {
      const name = String(rpc.params?.name ?? '');
      if (!gw.tools.some((t) => t.name === name)) return error(200, -32602, `Unknown tool: ${name}`);
      return reply({ content: [{ type: 'text', text: JSON.stringify(rpc.params?.arguments ?? {}) }], isError: false });
    }
    default:
      return error(200, -32601, 'Method not found');
  }
}
