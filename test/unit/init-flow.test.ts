/**
 * The whole of `init` over mocked AWS SDK clients (no emulator): the real AWS facts, the steps of
 * the subcommands, one confirmation on a terminal, and what was sent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CognitoIdentityProviderClient,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolDomainCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  ListResourceServersCommand,
  ListUserPoolClientsCommand,
  type CreateUserPoolClientRequest,
  type ResourceServerType,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { BedrockAgentCoreControlClient, GetGatewayCommand, ListGatewaysCommand, UpdateGatewayCommand, type GetGatewayResponse } from '@aws-sdk/client-bedrock-agentcore-control';
import { awsFacts, init, renderInit } from '../../src/commands/init/index.js';
import { scriptedPrompter, stripAnsi, testCtx, type Answer, type TestCtx } from './helpers.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const agentcore = mockClient(BedrockAgentCoreControlClient);
const POOL = 'us-east-1_Pool12345';
const GW_ID = 'tools-gateway-cccccccccc';
const NEW_CLIENT = 'newclient123';
const SECRET = 'the-client-secret-123';

/** A pool without domain, resource server or clients; a READY CUSTOM_JWT gateway that trusts it. Creates change what is read back. */
function emulate() {
  let domain: string | undefined;
  const servers: ResourceServerType[] = [];
  const clients: UserPoolClientType[] = [];
  let gateway: GetGatewayResponse = {
    gatewayId: GW_ID,
    gatewayArn: `arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/${GW_ID}`,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    name: 'tools-gateway',
    status: 'READY',
    roleArn: 'arn:aws:iam::123456789012:role/gw',
    protocolType: 'MCP',
    protocolConfiguration: { mcp: { supportedVersions: ['2025-03-26'] } },
    authorizerType: 'CUSTOM_JWT',
    authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}/.well-known/openid-configuration`, allowedClients: ['existingclient1'] } },
  };
  cognito.on(DescribeUserPoolCommand).callsFake(async () => ({ UserPool: { Id: POOL, Name: 'tools-pool', ...(domain ? { Domain: domain } : {}) } }));
  cognito.on(DescribeUserPoolDomainCommand).callsFake(async (i: { Domain: string }) => ({ DomainDescription: i.Domain === domain ? { Domain: domain, UserPoolId: POOL, Status: 'ACTIVE' } : {} }));
  cognito.on(CreateUserPoolDomainCommand).callsFake(async (i: { Domain: string }) => ((domain = i.Domain), {}));
  cognito.on(ListResourceServersCommand).callsFake(async () => ({ ResourceServers: structuredClone(servers) }));
  cognito.on(CreateResourceServerCommand).callsFake(async (i: ResourceServerType) => (servers.push(i), { ResourceServer: i }));
  cognito.on(ListUserPoolClientsCommand).callsFake(async () => ({ UserPoolClients: clients.map((c) => ({ ClientId: c.ClientId, ClientName: c.ClientName, UserPoolId: POOL })) }));
  cognito.on(CreateUserPoolClientCommand).callsFake(async (i: CreateUserPoolClientRequest) => {
    const c = { ...i, ClientId: NEW_CLIENT, ClientSecret: SECRET } as UserPoolClientType;
    clients.push(c);
    return { UserPoolClient: c };
  });
  cognito.on(DescribeUserPoolClientCommand).callsFake(async (i: { ClientId: string }) => ({ UserPoolClient: clients.find((c) => c.ClientId === i.ClientId) }));
  agentcore.on(ListGatewaysCommand).resolves({ items: [{ gatewayId: GW_ID, name: 'tools-gateway', status: 'READY', authorizerType: 'CUSTOM_JWT', protocolType: 'MCP', createdAt: new Date(0), updatedAt: new Date(0) }] });
  agentcore.on(GetGatewayCommand).callsFake(async () => structuredClone(gateway));
  agentcore.on(UpdateGatewayCommand).callsFake(async (i) => {
    const { gatewayIdentifier: _g, ...rest } = i;
    gateway = { ...gateway, ...structuredClone(rest), status: 'READY' };
    return { gatewayId: GW_ID, status: 'UPDATING' };
  });
}

const enter: Answer = (o: any) => (o.choices && o.default === undefined && o.choices.some((c: any) => 'checked' in c) ? o.choices.filter((c: any) => c.checked).map((c: any) => c.value) : o.default);
const NO_FLAGS = { copilotStudio: true, gateway: true, wait: true, doctor: false };

const ctxs: TestCtx[] = [];
afterEach(() => {
  while (ctxs.length) ctxs.pop()!.cleanup();
});
beforeEach(() => {
  cognito.reset();
  agentcore.reset();
  emulate();
});

const writes = () => [...cognito.calls(), ...agentcore.calls()].map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, '')).filter((n) => /^(Create|Update)/.test(n));

describe('init over mocked AWS', () => {
  it('on a terminal, Enter everywhere: one confirmation for the whole plan; the gateway is re-read after it and updated once with both clients', async () => {
    const prompter = scriptedPrompter([...Array(8).fill(enter), true]);
    const t = testCtx({}, { command: 'init', tty: true, prompter });
    ctxs.push(t);
    const r = await init(t.ctx, NO_FLAGS, awsFacts(t.ctx, async () => 'us-east-1'));

    expect(prompter.asked.filter((q) => q.kind === 'confirm').map((q) => q.message)).toEqual(['Create a sign-in user to test the Copilot Studio connection?', 'Create and change these resources?']);
    expect(prompter.remaining()).toBe(0);
    // The MCP versions the gateway lacks are offered, none ticked: Enter adds none.
    expect(prompter.asked.find((q) => q.message.startsWith('MCP versions the gateway should also speak'))?.choices).toContain('2026-07-28');
    expect(writes()).toEqual(['CreateUserPoolDomain', 'CreateResourceServer', 'CreateUserPoolClient', 'UpdateGateway']);
    expect(agentcore).toHaveReceivedCommandTimes(UpdateGatewayCommand, 1);
    expect(agentcore).toHaveReceivedCommandWith(UpdateGatewayCommand, {
      gatewayIdentifier: GW_ID,
      name: 'tools-gateway',
      roleArn: 'arn:aws:iam::123456789012:role/gw',
      authorizerType: 'CUSTOM_JWT',
      authorizerConfiguration: { customJWTAuthorizer: expect.objectContaining({ allowedClients: ['existingclient1', NEW_CLIENT] }) },
    });
    // Read for the question, again (fresh) after the person confirmed, and once more to verify.
    expect(agentcore.commandCalls(GetGatewayCommand).length).toBeGreaterThanOrEqual(3);

    expect(t.state()).toMatchObject({ userPoolId: POOL, gatewayId: GW_ID, resourceServer: { identifier: 'mcp', scopes: ['invoke'] }, clients: [{ clientId: NEW_CLIENT, name: 'copilot-studio-mcp', preset: 'copilot-studio' }] });
    expect(JSON.stringify(t.state())).not.toContain(SECRET);
    expect(r.copilotStudio).toMatchObject({ clientId: NEW_CLIENT, clientSecret: SECRET, scopes: 'openid email profile mcp/invoke' });
    expect(r.created).toEqual(['domain', 'resourceServer', 'client:copilot-studio-mcp']);
    expect(r.updated).toEqual(['gateway']);
    expect(stripAnsi(renderInit(r, t.ctx.out))).toContain('mcp-cognito add-callback <the redirect URL Copilot Studio shows>');
    expect(stripAnsi(t.stderr())).not.toContain('Update gateway tools-gateway?');
  });

  it('declining the plan changes nothing (exit 130)', async () => {
    const prompter = scriptedPrompter([...Array(8).fill(enter), false]);
    const t = testCtx({}, { command: 'init', tty: true, prompter });
    ctxs.push(t);
    await expect(init(t.ctx, NO_FLAGS, awsFacts(t.ctx, async () => 'us-east-1'))).rejects.toMatchObject({ exit: 130 });
    expect(writes()).toEqual([]);
    expect(t.state()).toBeUndefined();
  });

  it('unattended (--yes, --gateway-id), then again: the second run sends no write', async () => {
    const t = testCtx({ yes: true }, { command: 'init' });
    ctxs.push(t);
    await init(t.ctx, { ...NO_FLAGS, gatewayId: GW_ID, wait: false }, awsFacts(t.ctx, async () => undefined));
    expect(writes()).toEqual(['CreateUserPoolDomain', 'CreateResourceServer', 'CreateUserPoolClient', 'UpdateGateway']);

    cognito.resetHistory();
    agentcore.resetHistory();
    const again = testCtx({ yes: true, state: t.statePath }, { command: 'init' });
    ctxs.push(again);
    const r = await init(again.ctx, { ...NO_FLAGS, gatewayId: GW_ID, wait: false }, awsFacts(again.ctx, async () => undefined));
    expect(writes()).toEqual([]);
    expect(r).toMatchObject({ created: [], updated: [], copilotStudio: { clientId: NEW_CLIENT } });
  });
});
