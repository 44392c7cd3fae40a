/**
 * The emulator front's AgentCore gateway rules, asserted through the AWS SDK as AWS behaves (each
 * rule's evidence is in test/emulator/agentcore.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  CreateGatewayCommand,
  CreateGatewayTargetCommand,
  GetGatewayCommand,
  ListGatewayTargetsCommand,
  ListGatewaysCommand,
  UpdateGatewayCommand,
  paginateListGateways,
  type BedrockAgentCoreControlClient,
  type CreateGatewayRequest,
  type UpdateGatewayRequest,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { sdk, until, useEmulator } from './moto';

const emu = useEmulator({ gatewayDelayMs: 200 });
const agentcore = (): BedrockAgentCoreControlClient => sdk(emu.endpoint()).agentcore;

/**
 * The timed transitions below last TRANSITION_MS: long enough that the read right after the Create or Update still
 * sees the transitional status on a loaded CI machine (200 ms was not), and READY is then awaited by polling.
 */
const TRANSITION_MS = 1000;
async function untilReady(id: string) {
  await until(`gateway ${id} out of CREATING/UPDATING`, async () => !['CREATING', 'UPDATING'].includes((await get(id)).status ?? ''));
  return get(id);
}

async function rejection(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the request to be rejected');
}

const ROLE = 'arn:aws:iam::123456789012:role/gateway-role';
const DISCOVERY = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc/.well-known/openid-configuration';

function gatewayInput(extra: Partial<CreateGatewayRequest> = {}): CreateGatewayRequest {
  return {
    name: 'mcp-gw',
    description: 'tools',
    roleArn: ROLE,
    protocolType: 'MCP',
    protocolConfiguration: { mcp: { supportedVersions: ['2025-03-26', '2025-06-18'] } },
    authorizerType: 'CUSTOM_JWT',
    authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: DISCOVERY, allowedClients: ['client1'] } },
    kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    exceptionLevel: 'DEBUG',
    ...extra,
  };
}

/** UpdateGateway from a GetGateway answer (the SDK drops its output-only members), with changes. */
const updateFrom = (g: object, id: string | undefined, over: Record<string, unknown> = {}) => new UpdateGatewayCommand({ ...g, gatewayIdentifier: id, ...over } as UpdateGatewayRequest);

async function get(id: string) {
  const { $metadata: _m, ...g } = await agentcore().send(new GetGatewayCommand({ gatewayIdentifier: id }));
  return g;
}

describe('gateway status and URL', () => {
  it('is CREATING, then READY; gatewayUrl ends in /mcp', async () => {
    emu.front().settings.gatewayDelayMs = TRANSITION_MS;
    const created = await agentcore().send(new CreateGatewayCommand(gatewayInput()));
    expect(created.status).toBe('CREATING');
    expect(created.gatewayUrl).toBe(`https://${created.gatewayId}.gateway.bedrock-agentcore.us-east-1.amazonaws.com/mcp`);
    expect((await get(created.gatewayId!)).status).toBe('CREATING');
    const g = await untilReady(created.gatewayId!);
    expect(g.status).toBe('READY');
    expect(g.gatewayUrl).toMatch(/\.amazonaws\.com\/mcp$/);
  });

  it('is UPDATING after UpdateGateway, then READY (moto stays UPDATING for ever)', async () => {
    emu.front().settings.gatewayDelayMs = 0;
    const { gatewayId } = await agentcore().send(new CreateGatewayCommand(gatewayInput()));
    emu.front().settings.gatewayDelayMs = TRANSITION_MS;
    const g = await get(gatewayId!);
    const u = await agentcore().send(updateFrom(g, gatewayId));
    expect(u.status).toBe('UPDATING');
    expect((await get(gatewayId!)).status).toBe('UPDATING');
    expect((await untilReady(gatewayId!)).status).toBe('READY');
    const { $metadata: _m, ...raw } = await sdk(emu.motoEndpoint()).agentcore.send(new GetGatewayCommand({ gatewayIdentifier: gatewayId }));
    expect(raw.status).toBe('UPDATING');
  });

  it('ends in UPDATE_UNSUCCESSFUL with statusReasons when a test plans it; an update repairs it', async () => {
    emu.front().settings.gatewayDelayMs = 0;
    const { gatewayId } = await agentcore().send(new CreateGatewayCommand(gatewayInput()));
    emu.front().gateways.planOutcome({ gatewayId: gatewayId!, status: 'UPDATE_UNSUCCESSFUL', statusReasons: ['Role is not assumable'] });
    const g = await get(gatewayId!);
    await agentcore().send(updateFrom(g, gatewayId));
    const broken = await get(gatewayId!);
    expect(broken).toMatchObject({ status: 'UPDATE_UNSUCCESSFUL', statusReasons: ['Role is not assumable'] });
    await agentcore().send(updateFrom(g, gatewayId));
    const fixed = await get(gatewayId!);
    expect(fixed.status).toBe('READY');
    expect(fixed.statusReasons).toBeUndefined();
    emu.front().gateways.setStatus(gatewayId!, 'UPDATE_UNSUCCESSFUL', ['seeded']);
    expect(await get(gatewayId!)).toMatchObject({ status: 'UPDATE_UNSUCCESSFUL', statusReasons: ['seeded'] });
  });
});

describe('UpdateGateway replaces the whole gateway', () => {
  it('clears every optional member the request omits (moto would keep them)', async () => {
    emu.front().settings.gatewayDelayMs = 0;
    const { gatewayId } = await agentcore().send(new CreateGatewayCommand(gatewayInput({ policyEngineConfiguration: { arn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:policy-engine/pe-1', mode: 'ENFORCE' } })));
    const u = await agentcore().send(new UpdateGatewayCommand({ gatewayIdentifier: gatewayId, name: 'mcp-gw', roleArn: ROLE, authorizerType: 'CUSTOM_JWT', authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: DISCOVERY, allowedClients: ['client1', 'client2'] } } }));
    for (const g of [u, await get(gatewayId!)]) {
      expect(g.description).toBeUndefined();
      expect(g.protocolConfiguration).toBeUndefined();
      expect(g.kmsKeyArn).toBeUndefined();
      expect(g.exceptionLevel).toBeUndefined();
      expect(g.policyEngineConfiguration).toBeUndefined();
      expect(g.authorizerConfiguration).toEqual({ customJWTAuthorizer: { discoveryUrl: DISCOVERY, allowedClients: ['client1', 'client2'] } });
      expect(g.protocolType).toBe('MCP');
    }
  });

  it('keeps wafConfiguration (moto drops it) and a Get→Update round trip changes nothing', async () => {
    emu.front().settings.gatewayDelayMs = 0;
    const { gatewayId } = await agentcore().send(new CreateGatewayCommand(gatewayInput()));
    const before = await get(gatewayId!);
    await agentcore().send(updateFrom(before, gatewayId, { wafConfiguration: { failureMode: 'FAIL_CLOSE' } }));
    const after = await get(gatewayId!);
    expect(after.wafConfiguration).toEqual({ failureMode: 'FAIL_CLOSE' });
    const { updatedAt: _a, wafConfiguration: _w, ...rest } = after;
    const { updatedAt: _b, ...was } = before;
    expect(rest).toEqual(was);
  });

  it('rejects missing required members, a new name or authorizer type, and an empty allowedClients: ValidationException', async () => {
    emu.front().settings.gatewayDelayMs = 0;
    const { gatewayId } = await agentcore().send(new CreateGatewayCommand(gatewayInput()));
    const g = await get(gatewayId!);
    const noRole = await rejection(agentcore().send(updateFrom(g, gatewayId, { roleArn: undefined })));
    expect(noRole).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(noRole.message).toContain("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
    expect((await rejection(agentcore().send(updateFrom(g, gatewayId, { name: 'other-name' })))).name).toBe('ValidationException');
    const authz = await rejection(agentcore().send(updateFrom(g, gatewayId, { authorizerType: 'AWS_IAM', authorizerConfiguration: undefined })));
    expect(authz.message).toContain('Authorizer type cannot be updated for an existing gateway');
    const noJwt = await rejection(agentcore().send(updateFrom(g, gatewayId, { authorizerConfiguration: undefined })));
    expect(noJwt.name).toBe('ValidationException');
    const empty = await rejection(agentcore().send(updateFrom(g, gatewayId, { authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: DISCOVERY, allowedClients: [] } } })));
    expect(empty.message).toContain('allowedClients');
    const badUrl = await rejection(agentcore().send(updateFrom(g, gatewayId, { authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: 'https://example.com/issuer', allowedClients: ['c'] } } })));
    expect(badUrl.message).toContain('discoveryUrl');
    const noProtocol = await agentcore().send(updateFrom(g, gatewayId, { protocolType: undefined }));
    expect(noProtocol.protocolType).toBe('MCP');
  });
});

describe('CreateGateway', () => {
  it('refuses a second gateway of the same name and is idempotent for one clientToken', async () => {
    const a = await agentcore().send(new CreateGatewayCommand({ ...gatewayInput(), clientToken: 'token-1234567890-abcdefghijklmn' }));
    const again = await agentcore().send(new CreateGatewayCommand({ ...gatewayInput(), clientToken: 'token-1234567890-abcdefghijklmn' }));
    expect(again.gatewayId).toBe(a.gatewayId);
    expect((await rejection(agentcore().send(new CreateGatewayCommand(gatewayInput())))).name).toBe('ConflictException');
  });
});

describe('list calls page', () => {
  it('ListGateways and ListGatewayTargets answer small pages with nextToken', async () => {
    emu.front().settings.gatewayDelayMs = 0;
    const ids: string[] = [];
    for (const n of ['gw-a', 'gw-b', 'gw-c']) ids.push((await agentcore().send(new CreateGatewayCommand(gatewayInput({ name: n })))).gatewayId!);
    const first = await agentcore().send(new ListGatewaysCommand({ maxResults: 100 }));
    expect(first.items).toHaveLength(2);
    expect(first.nextToken).toBeDefined();
    const names: string[] = [];
    for await (const p of paginateListGateways({ client: agentcore() }, {})) names.push(...(p.items ?? []).map((g) => g.name!));
    expect(names).toEqual(['gw-a', 'gw-b', 'gw-c']);
    expect(first.items?.every((g) => g.status === 'READY')).toBe(true);
    for (const n of ['t1', 't2', 't3']) {
      await agentcore().send(new CreateGatewayTargetCommand({ gatewayIdentifier: ids[0], name: n, targetConfiguration: { mcp: { mcpServer: { endpoint: 'https://tools.example.com/mcp' } } } }));
    }
    const t1 = await agentcore().send(new ListGatewayTargetsCommand({ gatewayIdentifier: ids[0] }));
    expect(t1.items).toHaveLength(2);
    const t2 = await agentcore().send(new ListGatewayTargetsCommand({ gatewayIdentifier: ids[0], nextToken: t1.nextToken }));
    expect(t2.items?.map((t) => t.name)).toEqual(['t3']);
    expect(t2.nextToken).toBeUndefined();
  });
});
