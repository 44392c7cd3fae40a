/**
 * The day-two writers as fault scenarios (fault-kit.ts; issue 17 §6): rotate-secret (adding, and
 * --finish), remove-callback, deauthorize-client, delete-client. Besides duplicates and lost items,
 * rotation counts outages: a client left with no secret its consumer holds (the consumer is a dotenv
 * file; the emulator front knows every secret's value).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AddUserPoolClientSecretCommand, CreateUserPoolClientCommand, DescribeUserPoolClientCommand, ListUserPoolClientSecretsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { emptyCheck, keptAll, listClients, stateDir, type Check, type Lane, type Scenario } from './fault-kit';
import { seedGateway, seedPool, type GatewaySeed } from './fault-scenarios';

export interface SecretSeed {
  poolId: string;
  clientId: string;
  /** The client's first secret (moto's). */
  original: string;
  cwd: string;
  /** The consumer: a dotenv file holding COGNITO_CLIENT_SECRET. */
  envFile: string;
}

/** A confidential client of the Copilot Studio kind, the state file recording it, and a consumer's .env holding its secret. */
export async function seedSecretClient(l: Lane): Promise<SecretSeed> {
  const poolId = await seedPool(l);
  const c = (
    await l.cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'copilot-studio-mcp',
        GenerateSecret: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['openid', 'mcp/invoke'],
        CallbackURLs: ['https://app.example.com/callback'],
        SupportedIdentityProviders: ['COGNITO'],
      }),
    )
  ).UserPoolClient!;
  const cwd = stateDir(l, { userPoolId: poolId, clients: [{ clientId: c.ClientId, name: 'copilot-studio-mcp', preset: 'copilot-studio' }] });
  const envFile = join(cwd, '.env');
  writeFileSync(envFile, `COGNITO_CLIENT_ID=${c.ClientId}\nCOGNITO_CLIENT_SECRET=${c.ClientSecret}\n`, { mode: 0o600 });
  return { poolId, clientId: c.ClientId!, original: c.ClientSecret!, cwd, envFile };
}

/** The values of the client's secrets that work now (the front keeps them; moto's first one until deleted). */
export async function activeSecretValues(l: Lane, s: SecretSeed): Promise<string[]> {
  // Listing makes the front track the client's secrets if nothing did yet.
  await l.cognito.send(new ListUserPoolClientSecretsCommand({ UserPoolId: s.poolId, ClientId: s.clientId }));
  const entry = l.front.state.secrets.get(`${s.poolId}/${s.clientId}`);
  return [...(entry?.original && !entry.original.deleted ? [s.original] : []), ...(entry?.added.map((a) => a.value) ?? [])];
}

export const fileSecret = (s: SecretSeed): string | undefined => /^COGNITO_CLIENT_SECRET=(.*)$/m.exec(readFileSync(s.envFile, 'utf8'))?.[1];

/** An outage when the consumer's secret is not one of the client's. */
export async function checkNoOutage(l: Lane, s: SecretSeed, c: Check, consumer = fileSecret(s)): Promise<string[]> {
  const active = await activeSecretValues(l, s);
  if (!consumer || !active.includes(consumer)) c.outages.push(`app client ${s.clientId}: the consumer's secret is not one of its ${active.length} secret(s)`);
  return active;
}

/** A rotation stopped because a secret appeared that it cannot prove it added (named; nothing deleted). */
export const STOPS_UNPROVABLE = /nothing proves it/;

export const rotateAdd: Scenario<SecretSeed> = {
  name: 'rotate-secret',
  writes: ['AddUserPoolClientSecret'],
  seed: seedSecretClient,
  args: () => ['rotate-secret', '--env-file', '.env', '--yes', '--json'],
  cwd: (s) => s.cwd,
  stopsWhen: STOPS_UNPROVABLE,
  async verify(l, s, run) {
    const c = emptyCheck();
    const active = await checkNoOutage(l, s, c);
    // Reached: the file holds a new secret (and the client both); or stopped, naming what it found.
    if (!STOPS_UNPROVABLE.test(run.stdout + run.stderr)) {
      if (fileSecret(s) === s.original) c.missing.push('the new secret in .env');
      if (active.length !== 2) c.missing.push(`two secrets (has ${active.length})`);
    }
    if (readFileSync(join(s.cwd, 'mcp-cognito.json'), 'utf8').includes(fileSecret(s)!)) c.missing.push('a state file without the secret');
    return c;
  },
};

/** A rotation delivered to .env (as rotate-secret records it), ready for --finish. */
export async function seedDeliveredRotation(l: Lane): Promise<SecretSeed & { newId: string; oldId: string }> {
  const s = await seedSecretClient(l);
  const before = (await l.cognito.send(new ListUserPoolClientSecretsCommand({ UserPoolId: s.poolId, ClientId: s.clientId }))).ClientSecrets!;
  const sentAt = new Date().toISOString();
  const added = (await l.cognito.send(new AddUserPoolClientSecretCommand({ UserPoolId: s.poolId, ClientId: s.clientId }))).ClientSecretDescriptor!;
  writeFileSync(s.envFile, `COGNITO_CLIENT_ID=${s.clientId}\nCOGNITO_CLIENT_SECRET=${added.ClientSecretValue}\n`, { mode: 0o600 });
  const state = JSON.parse(readFileSync(join(s.cwd, 'mcp-cognito.json'), 'utf8')) as Record<string, unknown>;
  const rotations = [{ userPoolId: s.poolId, clientId: s.clientId, before: before.map((d) => d.ClientSecretId), sentAt, addedId: added.ClientSecretId, deliveredTo: ['file:.env'] }];
  writeFileSync(join(s.cwd, 'mcp-cognito.json'), JSON.stringify({ ...state, rotations }));
  return { ...s, newId: added.ClientSecretId!, oldId: before[0]!.ClientSecretId! };
}

export const rotateFinish: Scenario<SecretSeed & { newId: string; oldId: string }> = {
  name: 'rotate-secret --finish',
  writes: ['DeleteUserPoolClientSecret'],
  seed: seedDeliveredRotation,
  args: () => ['rotate-secret', '--finish', '--yes', '--json'],
  cwd: (s) => s.cwd,
  async verify(l, s) {
    const c = emptyCheck();
    const active = await checkNoOutage(l, s, c);
    if (active.length !== 1) c.missing.push(`one secret left (has ${active.length})`);
    return c;
  },
};

interface CallbackSeed {
  poolId: string;
  clientId: string;
  url: string;
  cwd: string;
}

const APP = 'https://app.example.com/callback';

export const removeCallback: Scenario<CallbackSeed> = {
  name: 'remove-callback',
  writes: ['UpdateUserPoolClient'],
  async seed(l) {
    const poolId = await seedPool(l);
    const url = `https://old.example.com/cb/${l.tag}`;
    const c = await l.cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'web-app',
        GenerateSecret: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['openid', 'mcp/invoke'],
        CallbackURLs: [APP, url],
        LogoutURLs: ['https://app.example.com/bye'],
        SupportedIdentityProviders: ['COGNITO'],
      }),
    );
    return { poolId, clientId: c.UserPoolClient!.ClientId!, url, cwd: stateDir(l) };
  },
  args: (s) => ['remove-callback', s.url, '--pool-id', s.poolId, '--client-id', s.clientId, '--yes', '--json'],
  cwd: (s) => s.cwd,
  async verify(l, s) {
    const c = emptyCheck();
    const client = (await l.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: s.poolId, ClientId: s.clientId }))).UserPoolClient!;
    if ((client.CallbackURLs ?? []).includes(s.url)) c.missing.push(`CallbackURLs without ${s.url}`);
    keptAll(c, 'lost', 'CallbackURLs', client.CallbackURLs, [APP]);
    keptAll(c, 'lost', 'LogoutURLs', client.LogoutURLs, ['https://app.example.com/bye']);
    keptAll(c, 'lost', 'AllowedOAuthScopes', client.AllowedOAuthScopes, ['openid', 'mcp/invoke']);
    return c;
  },
};

async function seedOnGateway(l: Lane): Promise<GatewaySeed> {
  const poolId = await seedPool(l);
  const c = await l.cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'agent', GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['mcp/invoke'] }));
  const clientId = c.UserPoolClient!.ClientId!;
  // Listed on the gateway beside another client.
  const gatewayId = await seedGateway(l, poolId, 'existingclient1');
  const { UpdateGatewayCommand } = await import('@aws-sdk/client-bedrock-agentcore-control');
  const g = await l.agentcore.send(new GetGatewayCommand({ gatewayIdentifier: gatewayId }));
  const jwt = g.authorizerConfiguration!.customJWTAuthorizer!;
  await l.agentcore.send(
    new UpdateGatewayCommand({ gatewayIdentifier: gatewayId, name: g.name, description: g.description, roleArn: g.roleArn, protocolType: g.protocolType, authorizerType: g.authorizerType, authorizerConfiguration: { customJWTAuthorizer: { ...jwt, allowedClients: ['existingclient1', clientId] } } }),
  );
  await l.agentcore.send(new GetGatewayCommand({ gatewayIdentifier: gatewayId }));
  const cwd = stateDir(l, { userPoolId: poolId, gatewayId, clients: [{ clientId, name: 'agent', preset: 'm2m' }], created: { clients: [clientId], gatewayClients: [{ gatewayId, clientIds: [clientId] }] } });
  return { poolId, clientId, gatewayId, cwd };
}

async function checkGateway(l: Lane, c: Check, s: GatewaySeed): Promise<void> {
  const g = await l.agentcore.send(new GetGatewayCommand({ gatewayIdentifier: s.gatewayId }));
  const allowed = g.authorizerConfiguration?.customJWTAuthorizer?.allowedClients ?? [];
  if (allowed.includes(s.clientId)) c.missing.push(`allowedClients without ${s.clientId}`);
  keptAll(c, 'lost', 'allowedClients', allowed, ['existingclient1']);
  if (g.description !== 'MCP tools') c.lost.push(`gateway description (now ${g.description ?? 'none'})`);
}

export const deauthorizeClient: Scenario<GatewaySeed> = {
  name: 'deauthorize-client',
  writes: ['UpdateGateway'],
  seed: seedOnGateway,
  args: (s) => ['deauthorize-client', '--client-id', s.clientId, '--yes', '--no-wait', '--json'],
  cwd: (s) => s.cwd,
  async verify(l, s) {
    const c = emptyCheck();
    await checkGateway(l, c, s);
    return c;
  },
};

export const deleteClient: Scenario<GatewaySeed> = {
  name: 'delete-client',
  writes: ['UpdateGateway', 'DeleteUserPoolClient'],
  seed: seedOnGateway,
  args: (s) => ['delete-client', '--client-id', s.clientId, '--yes', '--no-wait', '--json'],
  cwd: (s) => s.cwd,
  async verify(l, s) {
    const c = emptyCheck();
    await checkGateway(l, c, s);
    const clients = await listClients(l, s.poolId);
    if (clients.some((x) => x.ClientId === s.clientId)) c.missing.push(`app client ${s.clientId} deleted`);
    const state = JSON.parse(readFileSync(join(s.cwd, 'mcp-cognito.json'), 'utf8')) as { clients?: { clientId: string }[] };
    if (state.clients?.some((x) => x.clientId === s.clientId)) c.missing.push('the state file without the client');
    return c;
  },
};
