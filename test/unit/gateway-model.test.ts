/**
 * Every field of the gateway the installed SDK's model has — the authorizer configuration to its
 * last nested member (CUSTOM_JWT's allowedAudience, allowedClients, allowedScopes,
 * advertisedScopeMapping, customClaims, privateEndpoint…), the protocol configuration, interceptors,
 * the policy engine, KMS, WAF, custom transform — survives an update. The gateway is generated from
 * the SDK's own serialisation schema (`GetGatewayResponse$`, walked member by member; each union
 * variant in turn), so a field a newer SDK adds is filled here too and must reach the request.
 * Checked on what is sent: the SDK's serialised UpdateGateway body (toUpdateGatewayRequest) and the
 * UpdateGateway that authorize-client sends after its merge.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import * as agentcoreSdk from '@aws-sdk/client-bedrock-agentcore-control';
import { BedrockAgentCoreControlClient, GetGatewayCommand, UpdateGatewayCommand, type GetGatewayResponse } from '@aws-sdk/client-bedrock-agentcore-control';
import { CognitoIdentityProviderClient, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GATEWAY_FIELDS, toUpdateGatewayRequest } from '../../src/aws/rmw.js';
import { authorizeClient } from '../../src/commands/authorize-client.js';
import { RICH_CLIENT } from './rmw-fixtures.js';
import { testCtx } from './helpers.js';

type Schema = unknown;
const sdk = agentcoreSdk as unknown as Record<string, Schema>;

/** A schema reference resolved: lazy `() => S` and member `[() => S, traits]` forms unwrapped. */
function resolve(s: Schema): Schema {
  let cur = s;
  for (;;) {
    if (typeof cur === 'function') cur = (cur as () => Schema)();
    else if (Array.isArray(cur) && cur.length === 2 && typeof cur[0] === 'function') cur = cur[0];
    else return cur;
  }
}

/** How many variants the unions reachable from `s` have at most (to visit each one). */
function maxVariants(s: Schema, seen = new Set<unknown>()): number {
  const r = resolve(s);
  if (!Array.isArray(r) || seen.has(r)) return 1;
  seen.add(r);
  const kind = r[0] as number;
  if (kind === 0 || kind === 1) return maxVariants(r[4], seen);
  if (kind === 2) return maxVariants(r[5], seen);
  if (kind === 3 || kind === 4) {
    const own = kind === 4 ? (r[4] as string[]).length : 1;
    return Math.max(own, ...(r[5] as Schema[]).map((m) => maxVariants(m, seen)));
  }
  return 1;
}

/**
 * A value with every member filled, from the SDK schema: structures (kind 3) get every member,
 * unions (kind 4) variant `v` (modulo their count), lists one element, maps one entry; scalars by
 * type (0 string, 1 number, 2 boolean, 4-7 timestamp, 15 document, 21 blob; |64 list, |128 map).
 */
function fill(s: Schema, path: string, v: number, depth = 0): unknown {
  const r = resolve(s);
  if (depth > 12) throw new Error(`schema too deep at ${path}`);
  if (typeof r === 'number') {
    if (r & 64) return [fill(r & ~64, `${path}[]`, v, depth + 1)];
    if (r & 128) return { k: fill(r & ~128, `${path}.k`, v, depth + 1) };
    if (r === 0) return `s-${path}`;
    if (r === 1) return 7;
    if (r === 2) return true;
    if (r >= 4 && r <= 7) return new Date('2026-01-02T03:04:05Z');
    if (r === 15) return { doc: path };
    if (r === 21) return new Uint8Array([1, 2]);
    throw new Error(`unknown scalar schema ${r} at ${path}`);
  }
  if (!Array.isArray(r)) throw new Error(`unknown schema at ${path}`);
  const kind = r[0] as number;
  if (kind === 0) return fill(r[4], path, v, depth + 1);
  if (kind === 1) return [fill(r[4], `${path}[]`, v, depth + 1)];
  if (kind === 2) return { k: fill(r[5], `${path}.k`, v, depth + 1) };
  const names = r[4] as string[];
  const schemas = r[5] as Schema[];
  if (kind === 3) return Object.fromEntries(names.map((n, i) => [n, fill(schemas[i], `${path}.${n}`, v, depth + 1)]));
  if (kind === 4) {
    const i = v % names.length;
    return { [names[i]!]: fill(schemas[i], `${path}.${names[i]}`, v, depth + 1) };
  }
  throw new Error(`unknown schema kind ${kind} at ${path}`);
}

/** Every leaf of a JSON value, as `a.b[].c` paths. */
function leaves(v: unknown, path = ''): string[] {
  if (v instanceof Date || v instanceof Uint8Array) return [path];
  if (Array.isArray(v)) return v.flatMap((x) => leaves(x, `${path}[]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => leaves(x, path ? `${path}.${k}` : k));
  return [path];
}

const updatable = (g: Record<string, unknown>) => Object.fromEntries(Object.entries(g).filter(([k]) => (GATEWAY_FIELDS as readonly string[]).includes(k)));
const VARIANTS = maxVariants(sdk['GetGatewayResponse$']);
const POOL = 'us-east-1_AbC123xyz';
const DISCOVERY = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}/.well-known/openid-configuration`;

/** A gateway as GetGateway would return it with every field of the model set (union variant `v`). */
function fullGateway(v: number): GetGatewayResponse {
  const g = fill(sdk['GetGatewayResponse$'], '', v) as Record<string, unknown>;
  const jwt = (g.authorizerConfiguration as { customJWTAuthorizer?: Record<string, unknown> }).customJWTAuthorizer;
  if (jwt) jwt.discoveryUrl = DISCOVERY;
  return { ...g, gatewayId: 'gw-0123456789', status: 'READY', authorizerType: 'CUSTOM_JWT', protocolType: 'MCP' } as GetGatewayResponse;
}

let captured: string | undefined;
const stubConfig = () => ({
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
  requestHandler: {
    handle: async (request: { body?: unknown }) => {
      captured = typeof request.body === 'string' ? request.body : request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : '';
      throw new Error('captured');
    },
  },
});

describe('every field of the SDK model survives an update', () => {
  it('the model is what this test walks (the authorizer of today included)', () => {
    const paths = new Set(leaves(updatable(fullGateway(0) as unknown as Record<string, unknown>)));
    // Fields of the authorizer configuration as the installed SDK models them (a sample: the walk covers all).
    for (const p of ['authorizerConfiguration.customJWTAuthorizer.discoveryUrl', 'authorizerConfiguration.customJWTAuthorizer.allowedAudience[]', 'authorizerConfiguration.customJWTAuthorizer.allowedClients[]', 'authorizerConfiguration.customJWTAuthorizer.allowedScopes[]', 'authorizerConfiguration.customJWTAuthorizer.advertisedScopeMapping.k']) {
      expect(paths, p).toContain(p);
    }
    expect([...paths].some((p) => p.startsWith('authorizerConfiguration.customJWTAuthorizer.customClaims[].'))).toBe(true);
    expect([...paths].some((p) => p.startsWith('policyEngineConfiguration.'))).toBe(true);
    expect([...paths].some((p) => p.startsWith('interceptorConfigurations[].'))).toBe(true);
    expect([...paths].some((p) => p.startsWith('protocolConfiguration.mcp.'))).toBe(true);
    expect(VARIANTS).toBeGreaterThanOrEqual(1);
  });

  it('toUpdateGatewayRequest: the serialised UpdateGateway body carries every leaf, for every union variant', async () => {
    const client = new BedrockAgentCoreControlClient(stubConfig());
    for (let v = 0; v < VARIANTS; v++) {
      const got = fullGateway(v);
      captured = undefined;
      await client.send(new UpdateGatewayCommand(toUpdateGatewayRequest(got))).catch(() => undefined);
      expect(captured, 'the SDK sent the request').toBeDefined();
      const body = JSON.parse(captured!) as Record<string, unknown>;
      const expected = JSON.parse(JSON.stringify(updatable(got as unknown as Record<string, unknown>))) as Record<string, unknown>;
      const missing = leaves(expected).filter((p) => !new Set(leaves(body)).has(p));
      expect(missing, `variant ${v}: fields GetGateway returned that UpdateGateway would drop`).toEqual([]);
      expect(body).toEqual(expected);
    }
  });
});

describe('authorize-client sends them all back', () => {
  const mocks = () => ({ cognito: mockClient(CognitoIdentityProviderClient), agentcore: mockClient(BedrockAgentCoreControlClient) });
  let cognito: ReturnType<typeof mocks>['cognito'];
  let agentcore: ReturnType<typeof mocks>['agentcore'];
  beforeEach(() => {
    ({ cognito, agentcore } = mocks());
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
    cognito.restore();
    agentcore.restore();
  });

  it('the UpdateGateway after the merge keeps every leaf of the read gateway, for every union variant', async () => {
    for (let v = 0; v < VARIANTS; v++) {
      cognito.reset();
      agentcore.reset();
      const got = fullGateway(v);
      let current = structuredClone(got);
      cognito.on(DescribeUserPoolClientCommand).callsFake(async (input) => ({ UserPoolClient: { ...RICH_CLIENT, UserPoolId: POOL, ClientId: input.ClientId, AllowedOAuthScopes: ['openid'] } }));
      agentcore.on(GetGatewayCommand).callsFake(async () => structuredClone(current));
      agentcore.on(UpdateGatewayCommand).callsFake(async (input) => {
        const { gatewayIdentifier: _id, ...rest } = input;
        current = { ...current, ...structuredClone(rest), status: 'READY' };
        return { gatewayId: got.gatewayId, status: 'READY' };
      });
      const t = testCtx({ yes: true }, { state: { version: 1, region: 'us-east-1', userPoolId: POOL, gatewayId: got.gatewayId, clients: [] } });
      const p = authorizeClient({ gatewayId: got.gatewayId!, poolId: POOL, clientIds: ['newclient123'], wait: true, waitTimeoutSeconds: 60 }, t.ctx);
      p.catch(() => undefined);
      for (let i = 0; i < 200 && agentcore.commandCalls(UpdateGatewayCommand).length === 0; i++) await vi.advanceTimersByTimeAsync(100);
      await vi.advanceTimersByTimeAsync(5_000);
      await p;
      const sent = agentcore.commandCalls(UpdateGatewayCommand).map((c) => c.args[0].input);
      expect(sent, `variant ${v}: one UpdateGateway`).toHaveLength(1);
      const expected = leaves(JSON.parse(JSON.stringify(updatable(got as unknown as Record<string, unknown>))));
      const have = new Set(leaves(JSON.parse(JSON.stringify(sent[0]))));
      expect(
        expected.filter((p) => !have.has(p)),
        `variant ${v}: fields authorize-client's UpdateGateway dropped`,
      ).toEqual([]);
      expect((sent[0]!.authorizerConfiguration as { customJWTAuthorizer: { allowedClients: string[] } }).customJWTAuthorizer.allowedClients).toContain('newclient123');
    }
  });
});
