/** The one MCP URL rule (issue 9, defect 1), create-client's next steps, and the merge loop's forced write (UPDATE_UNSUCCESSFUL repair). */
import { describe, expect, it } from 'vitest';
import { mcpEndpointUrl } from '../../src/lib/urls.js';
import { mcpUrl } from '../../src/doctor/kit.js';
import { resolveConfig } from '../../src/facade/config.js';
import { createClientNextSteps } from '../../src/commands/create-client.js';
import { mergeAndVerify, type MergeShape } from '../../src/steps/merge.js';
import type { GetGatewayResponse } from '../../src/aws/rmw.js';
import { resourceKey } from '../../src/lib/resource-lock.js';

const AWS_URL = 'https://mcp-gw-abc1234567.gateway.bedrock-agentcore.us-east-1.amazonaws.com/mcp';

describe('mcpEndpointUrl', () => {
  it.each([
    [AWS_URL, AWS_URL],
    [`${AWS_URL}/`, AWS_URL],
    ['https://mcp-gw-abc1234567.gateway.bedrock-agentcore.us-east-1.amazonaws.com', AWS_URL],
    ['https://mcp-gw-abc1234567.gateway.bedrock-agentcore.us-east-1.amazonaws.com/', AWS_URL],
  ])('%s → %s (never …/mcp/mcp)', (given, want) => {
    expect(mcpEndpointUrl(given)).toBe(want);
  });

  it('doctor and the façade use the same rule', () => {
    expect(mcpUrl({ gatewayUrl: AWS_URL } as GetGatewayResponse)).toBe(AWS_URL);
    expect(mcpUrl({} as GetGatewayResponse)).toBeUndefined();
    const base = { publicUrl: 'http://127.0.0.1:8080', cognito: { region: 'us-east-1', userPoolId: 'us-east-1_AbC123', domainUrl: 'https://p.auth.us-east-1.amazoncognito.com', clientId: 'abc123' }, signingKey: 'k'.repeat(32) };
    expect(resolveConfig({ ...base, gatewayUrl: AWS_URL }).gatewayUrl).toBe(AWS_URL);
    expect(resolveConfig({ ...base, gatewayUrl: AWS_URL.replace(/\/mcp$/, '') }).gatewayUrl).toBe(AWS_URL);
  });
});

describe('createClientNextSteps', () => {
  const r = { userPoolId: 'us-east-1_AbC123', clientId: 'cs1', clientName: 'copilot-studio-mcp', preset: 'copilot-studio' as const, allowedOAuthFlows: ['code'], scopes: [], callbackUrls: ['https://placeholder.example.com'], logoutUrls: [], created: true };
  it('a Copilot Studio client on the placeholder: add-callback, then authorize-client (naming --gateway-id when the state file has none)', () => {
    expect(createClientNextSteps(r, undefined)).toEqual([
      expect.stringContaining('mcp-cognito add-callback <redirect URL> --client-id cs1'),
      expect.stringContaining('mcp-cognito authorize-client --client-id cs1 --gateway-id <gateway-id>'),
    ]);
    expect(createClientNextSteps(r, 'gw-abc1234567')[1]).toMatch(/mcp-cognito authorize-client --client-id cs1$/);
  });
  it('a client with a real redirect URL, or an M2M client: authorize-client only; no client yet: nothing', () => {
    expect(createClientNextSteps({ ...r, callbackUrls: ['https://global.consent.azure-apim.net/redirect/x'] }, 'gw')).toHaveLength(1);
    expect(createClientNextSteps({ ...r, preset: 'm2m', callbackUrls: [] }, 'gw')).toEqual([expect.stringContaining('authorize-client')]);
    expect(createClientNextSteps({ ...r, clientId: undefined }, 'gw')).toEqual([]);
  });
});

describe('mergeAndVerify: force', () => {
  type R = { status: string; items: string[] };
  const shape: MergeShape<R> = { lists: (r) => ({ items: r.items }), withLists: (r, l) => ({ ...r, items: l.items ?? [] }), others: () => ({}) };
  it('writes once when the change is already there and force says so (a failed update to repeat), then stops', async () => {
    let current: R = { status: 'UPDATE_UNSUCCESSFUL', items: ['a'] };
    const writes: R[] = [];
    const r = await mergeAndVerify<R>({
      what: 'x',
      operation: 'Update',
      lockKey: resourceKey.gateway('gw-force-test'),
      planned: current,
      change: (x) => x,
      shape,
      read: async () => current,
      write: async (next) => {
        writes.push(next);
        current = { ...next, status: 'READY' };
      },
      force: (x) => x.status === 'UPDATE_UNSUCCESSFUL',
      hint: '',
    });
    expect(writes).toHaveLength(1);
    expect(r).toMatchObject({ writes: 1, after: { status: 'READY' } });
  });
});
