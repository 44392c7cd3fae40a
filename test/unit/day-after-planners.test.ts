/** The day-after planners: remove-callback, rotate-secret (add/finish), and status's reads (with mocks). */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AddUserPoolClientSecretCommand,
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  ListResourceServersCommand,
  ListUserPoolClientSecretsCommand,
  ListUserPoolClientsCommand,
  ResourceNotFoundException,
  UpdateUserPoolClientCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { BedrockAgentCoreControlClient, GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { planRemoveCallback } from '../../src/steps/client/remove-callbacks.js';
import { planFinish, planRotate, sortSecrets } from '../../src/steps/client/rotate-secret.js';
import { removeCallback } from '../../src/commands/remove-callback.js';
import { status } from '../../src/commands/status.js';
import { RefusedError } from '../../src/lib/errors.js';
import { RICH_CLIENT } from './rmw-fixtures.js';
import { CaptureStream, scriptedPrompter, testCtx } from './helpers.js';
import { main } from '../../src/cli.js';
import { readDotenvValue } from '../../src/lib/dotenv.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const APP = 'https://app.example.com/cb';
const PLACEHOLDER = 'https://placeholder.example.com';
const POOL = RICH_CLIENT.UserPoolId!;
const CLIENT = RICH_CLIENT.ClientId!;
const STATE = { version: 1, region: 'us-east-1', userPoolId: POOL, clients: [{ clientId: CLIENT, name: 'copilot-studio-mcp', preset: 'copilot-studio' }] };
const notFound = (m = 'not found') => new ResourceNotFoundException({ message: m, $metadata: {} });

const cognito = mockClient(CognitoIdentityProviderClient);
const agentcore = mockClient(BedrockAgentCoreControlClient);
beforeEach(() => {
  cognito.reset();
  agentcore.reset();
});

describe('planRemoveCallback', () => {
  it('removes the URL, moves DefaultRedirectURI to the first URL left, and keeps every other field', () => {
    const described: UserPoolClientType = { ...RICH_CLIENT, DefaultRedirectURI: APP };
    const plan = planRemoveCallback(described, { urls: [APP], logout: false }, 'us-east-1');
    expect(plan.removed).toEqual([APP]);
    expect(plan.after).toEqual([PLACEHOLDER]);
    expect(plan.defaultRedirectUri).toEqual({ from: APP, to: PLACEHOLDER });
    expect(plan.step!.diff).toEqual([`  ${PLACEHOLDER}`, `- ${APP}`, `~ DefaultRedirectURI: ${APP} → ${PLACEHOLDER}`]);
    const next = plan.change(described);
    expect({ ...next, CallbackURLs: 0, DefaultRedirectURI: 0 }).toEqual({ ...described, CallbackURLs: 0, DefaultRedirectURI: 0 });
    // The aws CLI line never carries the secret.
    expect(plan.step!.awsCli).not.toContain(RICH_CLIENT.ClientSecret);
    // Idempotent, as the merge loop needs.
    expect(plan.change(next)).toEqual(next);
  });

  it('nothing to do for URLs that are not registered (no step)', () => {
    const plan = planRemoveCallback(RICH_CLIENT, { urls: ['https://other.example.com/cb'], logout: false }, 'us-east-1');
    expect(plan.step).toBeUndefined();
    expect(plan.notRegistered).toEqual(['https://other.example.com/cb']);
  });

  it('refuses to leave a code-flow client without a callback URL; allows it for a client_credentials client', () => {
    expect(() => planRemoveCallback(RICH_CLIENT, { urls: [APP, PLACEHOLDER], logout: false }, 'us-east-1')).toThrow(RefusedError);
    const m2m = { ...RICH_CLIENT, AllowedOAuthFlows: ['client_credentials' as const], DefaultRedirectURI: APP };
    const plan = planRemoveCallback(m2m, { urls: [APP, PLACEHOLDER], logout: false }, 'us-east-1');
    expect(plan.after).toEqual([]);
    expect(plan.change(m2m).DefaultRedirectURI).toBeUndefined();
  });

  it('--logout touches LogoutURLs only, never DefaultRedirectURI, and may empty the list', () => {
    const plan = planRemoveCallback(RICH_CLIENT, { urls: ['https://app.example.com/logout'], logout: true }, 'us-east-1');
    const next = plan.change(RICH_CLIENT);
    expect(next.LogoutURLs).toEqual([]);
    expect(next.CallbackURLs).toEqual(RICH_CLIENT.CallbackURLs);
    expect(next.DefaultRedirectURI).toBe(RICH_CLIENT.DefaultRedirectURI);
  });
});

describe('remove-callback through the merge-and-verify loop (mocked)', () => {
  it('another writer added a URL between plan and write: it is kept, ours is removed', async () => {
    let current: UserPoolClientType = structuredClone(RICH_CLIENT);
    let reads = 0;
    cognito.on(DescribeUserPoolClientCommand).callsFake(async () => {
      reads++;
      // The second read (right before writing) sees another writer's URL.
      if (reads === 2) current = { ...current, CallbackURLs: [...current.CallbackURLs!, 'https://late.example.com/cb'] };
      return { UserPoolClient: structuredClone(current) };
    });
    cognito.on(UpdateUserPoolClientCommand).callsFake(async (input) => {
      current = { ...structuredClone(input), ClientSecret: RICH_CLIENT.ClientSecret };
      return {};
    });
    const t = testCtx({ yes: true }, { state: STATE });
    const r = await removeCallback({ urls: [PLACEHOLDER], logout: false }, t.ctx);
    expect(r.changed).toBe(true);
    const sent = cognito.commandCalls(UpdateUserPoolClientCommand).map((c) => c.args[0].input);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.CallbackURLs).toEqual([APP, 'https://late.example.com/cb']);
    expect(sent[0]).not.toHaveProperty('ClientSecret');
  });

  it('refused with nothing sent when the last callback URL would go', async () => {
    cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ...RICH_CLIENT, CallbackURLs: [APP] } });
    const t = testCtx({ yes: true }, { state: STATE });
    await expect(removeCallback({ urls: [APP], logout: false }, t.ctx)).rejects.toMatchObject({ code: 'REFUSED', exit: 1 });
    expect(cognito.commandCalls(UpdateUserPoolClientCommand)).toHaveLength(0);
  });
});

const d = (id: string, iso: string) => ({ ClientSecretId: `${CLIENT}--${id}`, ClientSecretCreateDate: new Date(iso) });

describe('rotate-secret planners', () => {
  it('planRotate adds a second secret; refuses a public client and one holding two', () => {
    const plan = planRotate(RICH_CLIENT, [d('1', '2026-01-01T00:00:00Z')], 'us-east-1');
    expect(plan.step.awsCli).toContain('add-user-pool-client-secret');
    expect(plan.step.diff!.join('\n')).not.toContain(RICH_CLIENT.ClientSecret);
    const { ClientSecret: _s, ...pub } = RICH_CLIENT;
    expect(() => planRotate(pub, [], 'us-east-1')).toThrow(/has no client secret/);
    expect(() => planRotate(RICH_CLIENT, [d('1', '2026-01-01T00:00:00Z'), d('2', '2026-02-01T00:00:00Z')], 'us-east-1')).toThrow(/already holds 2 secrets/);
  });

  it('planFinish keeps the newest (by date, whatever the order listed) and deletes the others; one secret: nothing to finish', () => {
    const plan = planFinish(RICH_CLIENT, [d('2', '2026-02-01T00:00:00Z'), d('1', '2026-01-01T00:00:00Z')], 'us-east-1');
    expect(plan.keep!.secretId).toBe(`${CLIENT}--2`);
    expect(plan.remove.map((s) => s.secretId)).toEqual([`${CLIENT}--1`]);
    expect(plan.step!.awsCli).toContain(`--client-secret-id '${CLIENT}--1'`);
    expect(planFinish(RICH_CLIENT, [d('1', '2026-01-01T00:00:00Z')], 'us-east-1').step).toBeUndefined();
  });

  it('sortSecrets falls back to the epoch in the ID when a date is missing', () => {
    expect(sortSecrets([{ ClientSecretId: `${CLIENT}--200` }, { ClientSecretId: `${CLIENT}--100` }]).map((x) => x.ClientSecretId)).toEqual([`${CLIENT}--100`, `${CLIENT}--200`]);
  });
});

describe('status (mocked)', () => {
  it('reads each resource once, concurrently, and flags what the state records but AWS lacks', async () => {
    const state = { ...STATE, domain: 'my-domain', resourceServer: { identifier: 'mcp', scopes: ['invoke', 'admin'] }, gatewayId: 'gw-abc1234567', clients: [...STATE.clients, { clientId: 'gone123', name: 'old', preset: 'm2m' }] };
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL, Name: 'mcp-gateway', Domain: 'my-domain' } });
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { Domain: 'my-domain', Status: 'ACTIVE', ManagedLoginVersion: 2, UserPoolId: POOL } });
    cognito.on(ListResourceServersCommand).resolves({ ResourceServers: [{ Identifier: 'mcp', Name: 'MCP', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'x' }] }] });
    cognito.on(DescribeUserPoolClientCommand, { UserPoolId: POOL, ClientId: CLIENT }).resolves({ UserPoolClient: RICH_CLIENT });
    cognito.on(DescribeUserPoolClientCommand, { UserPoolId: POOL, ClientId: 'gone123' }).rejects(notFound('Client gone123 does not exist.'));
    cognito.on(ListUserPoolClientSecretsCommand).resolves({ ClientSecrets: [d('1', '2026-01-01T00:00:00Z')] });
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: CLIENT, ClientName: 'copilot-studio-mcp' }, { ClientId: 'other999', ClientName: 'existing-app' }] });
    agentcore.on(GetGatewayCommand).resolves({
      gatewayId: 'gw-abc1234567',
      name: 'gw',
      status: 'READY',
      authorizerType: 'CUSTOM_JWT',
      protocolConfiguration: { mcp: { supportedVersions: ['2025-03-26'] } },
      authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}/.well-known/openid-configuration`, allowedClients: [CLIENT, 'other999', 'gone123'] } },
    });
    const t = testCtx({}, { state });
    const r = await status(t.ctx);
    expect(r.pool).toMatchObject({ id: POOL, found: true });
    expect(r.domain).toMatchObject({ domain: 'my-domain', found: true, status: 'ACTIVE', managedLoginVersion: 2 });
    expect(r.clients[0]).toMatchObject({ clientId: CLIENT, found: true, onGateway: true, secrets: { count: 1 } });
    expect(r.clients[1]).toMatchObject({ clientId: 'gone123', found: false });
    expect(r.gateway!.unknownClients).toEqual([{ clientId: 'other999', name: 'existing-app', inPool: true }]);
    expect(r.flags.filter((f) => f.severity === 'missing').map((f) => f.resource).sort()).toEqual(['client gone123', 'resourceServer']);
    expect(r.summary).toEqual({ missing: 2, warnings: 1 });
    expect(JSON.stringify(r)).not.toContain(RICH_CLIENT.ClientSecret);
    expect(cognito.commandCalls(DescribeUserPoolCommand)).toHaveLength(1);
    expect(cognito.commandCalls(DescribeUserPoolDomainCommand)).toHaveLength(1);
    expect(cognito.commandCalls(ListResourceServersCommand)).toHaveLength(1);
    expect(cognito.commandCalls(ListUserPoolClientsCommand)).toHaveLength(1);
    expect(agentcore.commandCalls(GetGatewayCommand)).toHaveLength(1);
    // No secrets listed for a client that is gone.
    expect(cognito.commandCalls(ListUserPoolClientSecretsCommand)).toHaveLength(1);
  });

  it('a pool that is gone: flagged once, clients not flagged separately', async () => {
    cognito.on(DescribeUserPoolCommand).rejects(notFound('User pool does not exist.'));
    cognito.on(DescribeUserPoolClientCommand).rejects(notFound('User pool does not exist.'));
    const t = testCtx({}, { state: STATE });
    const r = await status(t.ctx);
    expect(r.flags).toEqual([expect.objectContaining({ resource: 'pool', severity: 'missing' })]);
    expect(r.clients[0]).toMatchObject({ found: false });
  });
});

describe('rotate-secret on a terminal', () => {
  it('shows the new secret, then asks; yes deletes the old one in the same run (one question, no second confirmation)', async () => {
    const { DeleteUserPoolClientSecretCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    let secrets = [d('1', '2026-01-01T00:00:00Z')];
    cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: RICH_CLIENT });
    cognito.on(ListUserPoolClientSecretsCommand).callsFake(async () => ({ ClientSecrets: secrets }));
    cognito.on(AddUserPoolClientSecretCommand).callsFake(async () => {
      const added = d('2', '2026-02-01T00:00:00Z');
      secrets = [...secrets, added];
      return { ClientSecretDescriptor: { ...added, ClientSecretValue: 'brand-new-secret-value-0123456789' } };
    });
    cognito.on(DeleteUserPoolClientSecretCommand).callsFake(async (input) => {
      secrets = secrets.filter((x) => x.ClientSecretId !== input.ClientSecretId);
      return {};
    });
    const dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-rotate-'));
    writeFileSync(join(dir, 'state.json'), JSON.stringify(STATE));
    const stdout = new CaptureStream(true);
    const stderr = new CaptureStream(true);
    // The add itself is confirmed (a change to an existing client), then the finish question.
    const prompter = scriptedPrompter([true, true]);
    const code = await main(['node', 'mcp-cognito', 'rotate-secret', '--state', join(dir, 'state.json'), '--no-color'], { stdout, stderr, prompter, stdinIsTTY: true, env: { AWS_REGION: 'us-east-1' } });
    expect(code, stderr.text()).toBe(0);
    expect(prompter.asked.map((a) => a.kind)).toEqual(['confirm', 'confirm']);
    expect(prompter.asked[1]!.message).toContain('delete the old one');
    expect(stdout.text()).toContain('brand-new-secret-value-0123456789');
    expect(stdout.text()).toContain('Finished the rotation');
    expect(cognito.commandCalls(DeleteUserPoolClientSecretCommand).map((c) => c.args[0].input.ClientSecretId)).toEqual([`${CLIENT}--1`]);
    expect(stderr.text()).not.toContain('brand-new-secret-value-0123456789');
  });
});

describe('readDotenvValue', () => {
  it('reads the first definition (quoted, exported, commented), undefined for a missing key or file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-dotenv-'));
    const f = join(dir, '.env');
    writeFileSync(f, '# c\nexport COGNITO_CLIENT_ID="abc123" \nCOGNITO_CLIENT_ID=later\nX=1 # note\n');
    expect(readDotenvValue(f, 'COGNITO_CLIENT_ID')).toBe('abc123');
    expect(readDotenvValue(f, 'X')).toBe('1');
    expect(readDotenvValue(f, 'NOPE')).toBeUndefined();
    expect(readDotenvValue(join(dir, 'missing'), 'X')).toBeUndefined();
  });
});
