/**
 * The writing commands as fault scenarios (fault-kit.ts): what each seeds, runs, faults and checks.
 * Names carry the lane's tag, so the scenarios of one test run at once on one moto.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdminListGroupsForUserCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateGatewayCommand, GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { countByName, emptyCheck, keptAll, listClients, listGateways, listGroups, listPools, listServers, listUsers, PASSWORD, stateDir, type Check, type Lane, type Scenario } from './fault-kit';
import type { CliRun } from './run-cli';

type State = { userPoolId?: string; gatewayId?: string; clients?: { clientId: string; name: string }[] };
const stateOf = (cwd: string): State => {
  try {
    return JSON.parse(readFileSync(join(cwd, 'mcp-cognito.json'), 'utf8')) as State;
  } catch {
    return {};
  }
};
const discovery = (l: Lane, poolId: string) => `https://cognito-idp.${l.region}.amazonaws.com/${poolId}/.well-known/openid-configuration`;

/** A pool as init-pool makes it (e-mail is the user name), with resource server mcp (invoke, read). */
export async function seedPool(l: Lane, name = `pool-${l.tag}`): Promise<string> {
  const pool = (await l.cognito.send(new CreateUserPoolCommand({ PoolName: name, UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'] }))).UserPool!;
  await l.cognito.send(new CreateResourceServerCommand({ UserPoolId: pool.Id, Identifier: 'mcp', Name: 'MCP', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke' }, { ScopeName: 'read', ScopeDescription: 'Read' }] }));
  return pool.Id!;
}

/** A code-flow client with a callback and a logout URL. */
export async function seedClient(l: Lane, poolId: string, name = 'web-app', scopes = ['openid', 'mcp/invoke']): Promise<string> {
  const c = await l.cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: name,
      GenerateSecret: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: scopes,
      CallbackURLs: ['https://app.example.com/callback'],
      LogoutURLs: ['https://app.example.com/bye'],
      SupportedIdentityProviders: ['COGNITO'],
    }),
  );
  return c.UserPoolClient!.ClientId!;
}

/** A READY CUSTOM_JWT gateway trusting the pool, letting `existing` through. */
export async function seedGateway(l: Lane, poolId: string, existing = 'existingclient1'): Promise<string> {
  const g = await l.agentcore.send(
    new CreateGatewayCommand({
      name: `gw-${l.tag}`,
      description: 'MCP tools',
      roleArn: 'arn:aws:iam::123456789012:role/gateway-role',
      protocolType: 'MCP',
      authorizerType: 'CUSTOM_JWT',
      authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: discovery(l, poolId), allowedClients: [existing] } },
    }),
  );
  await l.agentcore.send(new GetGatewayCommand({ gatewayIdentifier: g.gatewayId }));
  return g.gatewayId!;
}

/** One pool named `name` (else a duplicate or missing), and its ID. */
async function onePool(l: Lane, c: Check, name: string): Promise<string | undefined> {
  const pools = (await listPools(l)).filter((p) => p.Name === name);
  countByName(c, 'user pool', pools, (p) => p.Name, [name]);
  return pools[0]?.Id;
}

async function checkServer(l: Lane, c: Check, poolId: string, ours: string[], theirs: string[]): Promise<void> {
  const servers = await listServers(l, poolId);
  countByName(c, 'resource server', servers, (s) => s.Identifier, ['mcp']);
  const scopes = servers.find((s) => s.Identifier === 'mcp')?.Scopes?.map((s) => s.ScopeName!) ?? [];
  keptAll(c, 'missing', 'resource server mcp', scopes, ours);
  keptAll(c, 'lost', 'resource server mcp', scopes, theirs);
}

async function checkDomain(l: Lane, c: Check, poolId: string, domain: string): Promise<void> {
  const pool = (await l.cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!;
  if (pool.Domain !== domain) c.missing.push(`domain ${domain} (the pool has ${pool.Domain ?? 'none'})`);
}

async function checkUser(l: Lane, c: Check, poolId: string, email: string, group: string): Promise<void> {
  const users = (await listUsers(l, poolId)).filter((u) => u.Attributes?.find((a) => a.Name === 'email')?.Value === email);
  countByName(c, 'user', users, () => email, [email]);
  const u = users[0];
  if (u && u.UserStatus !== 'CONFIRMED') c.missing.push(`user ${email} CONFIRMED (is ${u.UserStatus})`);
  countByName(c, 'group', await listGroups(l, poolId), (g) => g.GroupName, [group]);
  if (u) {
    const groups = (await l.cognito.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: u.Username }))).Groups?.map((g) => g.GroupName!) ?? [];
    keptAll(c, 'missing', `groups of ${email}`, groups, [group]);
  }
}

async function checkClients(l: Lane, c: Check, poolId: string, names: string[], cwd: string): Promise<string[]> {
  const clients = await listClients(l, poolId);
  countByName(c, 'app client', clients, (x) => x.ClientName, names);
  const ids = names.map((n) => clients.find((x) => x.ClientName === n)?.ClientId).filter((x): x is string => Boolean(x));
  // The state file records the client that exists (an adopted one, not a ghost).
  keptAll(c, 'missing', 'state file clients', stateOf(cwd).clients?.map((x) => x.clientId), ids);
  return ids;
}

// ---- the scenarios ----

interface PoolSeed {
  pool: string;
  domain: string;
  cwd: string;
}

export const initPoolNew: Scenario<PoolSeed> = {
  name: 'init-pool',
  writes: ['CreateUserPool', 'CreateUserPoolDomain', 'CreateResourceServer'],
  seed: async (l) => ({ pool: `pool-${l.tag}`, domain: `dom-${l.tag}`, cwd: stateDir(l) }),
  args: (s) => ['init-pool', '--pool-name', s.pool, '--domain', s.domain, '--yes', '--json'],
  cwd: (s) => s.cwd,
  async verify(l, s) {
    const c = emptyCheck();
    const poolId = await onePool(l, c, s.pool);
    if (!poolId) return c;
    await checkDomain(l, c, poolId, s.domain);
    await checkServer(l, c, poolId, ['invoke'], []);
    if (stateOf(s.cwd).userPoolId !== poolId) c.missing.push(`state file userPoolId ${poolId}`);
    return c;
  },
};

interface ScopeSeed {
  poolId: string;
  domain: string;
  cwd: string;
}

export const initPoolScope: Scenario<ScopeSeed> = {
  name: 'init-pool (adopt, add a scope)',
  writes: ['CreateUserPoolDomain', 'UpdateResourceServer'],
  seed: async (l) => ({ poolId: await seedPool(l), domain: `dom-${l.tag}`, cwd: stateDir(l) }),
  args: (s) => ['init-pool', '--pool-id', s.poolId, '--domain', s.domain, '--scope', 'invoke', '--scope', 'admin=Admin tools', '--yes', '--json'],
  cwd: (s) => s.cwd,
  async verify(l, s) {
    const c = emptyCheck();
    await checkDomain(l, c, s.poolId, s.domain);
    await checkServer(l, c, s.poolId, ['invoke', 'admin'], ['read']);
    return c;
  },
};

interface ClientSeed {
  poolId: string;
  name: string;
  cwd: string;
}

export const createClient: Scenario<ClientSeed> = {
  name: 'create-client',
  writes: ['CreateUserPoolClient'],
  async seed(l) {
    const poolId = await seedPool(l);
    return { poolId, name: `agent-${l.tag}`, cwd: stateDir(l, { userPoolId: poolId }) };
  },
  args: (s) => ['create-client', '--preset', 'm2m', '--name', s.name, '--json'],
  cwd: (s) => s.cwd,
  async verify(l, s) {
    const c = emptyCheck();
    await checkClients(l, c, s.poolId, [s.name], s.cwd);
    return c;
  },
};

interface CallbackSeed {
  poolId: string;
  clientId: string;
  url: string;
  cwd: string;
}

export const CALLBACK_URL = 'https://copilotstudio.microsoft.com/connection/oauth/redirect';

export const addCallback: Scenario<CallbackSeed> = {
  name: 'add-callback',
  writes: ['UpdateUserPoolClient'],
  async seed(l) {
    const poolId = await seedPool(l);
    return { poolId, clientId: await seedClient(l, poolId), url: `${CALLBACK_URL}/${l.tag}`, cwd: stateDir(l) };
  },
  args: (s) => ['add-callback', s.url, '--pool-id', s.poolId, '--client-id', s.clientId, '--yes', '--json'],
  cwd: (s) => s.cwd,
  async verify(l, s) {
    const c = emptyCheck();
    const client = (await l.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: s.poolId, ClientId: s.clientId }))).UserPoolClient!;
    keptAll(c, 'missing', 'CallbackURLs', client.CallbackURLs, [s.url]);
    keptAll(c, 'lost', 'CallbackURLs', client.CallbackURLs, ['https://app.example.com/callback']);
    keptAll(c, 'lost', 'LogoutURLs', client.LogoutURLs, ['https://app.example.com/bye']);
    keptAll(c, 'lost', 'AllowedOAuthScopes', client.AllowedOAuthScopes, ['openid', 'mcp/invoke']);
    return c;
  },
};

export interface GatewaySeed {
  poolId: string;
  clientId: string;
  gatewayId: string;
  cwd: string;
}

export const authorizeClient: Scenario<GatewaySeed> = {
  name: 'authorize-client',
  writes: ['UpdateGateway'],
  async seed(l) {
    const poolId = await seedPool(l);
    const clientId = await seedClient(l, poolId, 'copilot-studio-mcp');
    const gatewayId = await seedGateway(l, poolId);
    return { poolId, clientId, gatewayId, cwd: stateDir(l, { userPoolId: poolId, gatewayId, clients: [{ clientId, name: 'copilot-studio-mcp', preset: 'copilot-studio' }] }) };
  },
  args: (s) => ['authorize-client', '--client-id', s.clientId, '--yes', '--no-wait', '--json'],
  cwd: (s) => s.cwd,
  async verify(l, s) {
    const c = emptyCheck();
    const g = await l.agentcore.send(new GetGatewayCommand({ gatewayIdentifier: s.gatewayId }));
    countByName(c, 'gateway', (await listGateways(l)).filter((x) => x.name === g.name), (x) => x.name, [g.name!]);
    const allowed = g.authorizerConfiguration?.customJWTAuthorizer?.allowedClients;
    keptAll(c, 'missing', 'allowedClients', allowed, [s.clientId]);
    keptAll(c, 'lost', 'allowedClients', allowed, ['existingclient1']);
    if (g.description !== 'MCP tools') c.lost.push(`gateway description (now ${g.description ?? 'none'})`);
    return c;
  },
};

interface UserSeed {
  poolId: string;
  email: string;
  group: string;
  cwd: string;
}

export const createUser: Scenario<UserSeed> = {
  name: 'create-user',
  writes: ['CreateGroup', 'AdminCreateUser', 'AdminSetUserPassword', 'AdminAddUserToGroup'],
  seed: async (l) => ({ poolId: await seedPool(l), email: `tester-${l.tag}@example.com`, group: `testers-${l.tag}`, cwd: stateDir(l) }),
  args: (s) => ['create-user', '--pool-id', s.poolId, '--email', s.email, '--group', s.group, '--password-stdin', '--yes', '--json'],
  input: `${PASSWORD}\n`,
  cwd: (s) => s.cwd,
  async verify(l, s) {
    const c = emptyCheck();
    await checkUser(l, c, s.poolId, s.email, s.group);
    return c;
  },
};

interface InitSeed {
  poolId: string;
  poolName: string;
  existingClientId: string;
  gatewayId: string;
  domain: string;
  cwd: string;
}

export const init: Scenario<InitSeed> = {
  name: 'init',
  writes: ['CreateUserPoolDomain', 'CreateResourceServer', 'CreateUserPoolClient', 'UpdateGateway', 'CreateGroup', 'AdminCreateUser', 'AdminSetUserPassword', 'AdminAddUserToGroup'],
  async seed(l) {
    // As scripts/sandbox.mjs seedSample, in the lane's Region: a pool, an existing client, a gateway trusting them.
    const poolName = `pool-${l.tag}`;
    const poolId = (await l.cognito.send(new CreateUserPoolCommand({ PoolName: poolName, UsernameAttributes: ['email'] }))).UserPool!.Id!;
    const existingClientId = await seedClient(l, poolId, 'existing-app', ['openid']);
    const gatewayId = await seedGateway(l, poolId, existingClientId);
    return { poolId, poolName, existingClientId, gatewayId, domain: `dom-${l.tag}`, cwd: stateDir(l) };
  },
  args: (s) => [
    'init',
    '--no-input',
    '--yes',
    '--no-wait',
    '--no-doctor',
    '--gateway-id',
    s.gatewayId,
    '--domain',
    s.domain,
    '--m2m',
    '--dotenv',
    'agent.env',
    '--user-email',
    'tester@example.com',
    '--user-group',
    'testers',
    '--user-password-stdin',
    '--json',
  ],
  input: `${PASSWORD}\n`,
  cwd: (s) => s.cwd,
  async verify(l, s, _run: CliRun) {
    const c = emptyCheck();
    await onePool(l, c, s.poolName);
    await checkDomain(l, c, s.poolId, s.domain);
    await checkServer(l, c, s.poolId, ['invoke'], []);
    const ids = await checkClients(l, c, s.poolId, ['copilot-studio-mcp', 'mcp-agent-m2m'], s.cwd);
    countByName(c, 'app client', (await listClients(l, s.poolId)).filter((x) => x.ClientName === 'existing-app'), (x) => x.ClientName, ['existing-app']);
    await checkUser(l, c, s.poolId, 'tester@example.com', 'testers');
    const g = await l.agentcore.send(new GetGatewayCommand({ gatewayIdentifier: s.gatewayId }));
    const allowed = g.authorizerConfiguration?.customJWTAuthorizer?.allowedClients;
    keptAll(c, 'missing', 'allowedClients', allowed, ids);
    keptAll(c, 'lost', 'allowedClients', allowed, [s.existingClientId]);
    return c;
  },
};

interface InitPoolSeed {
  pool: string;
  domain: string;
  cwd: string;
}

/** init without a gateway, creating everything in Cognito: every Cognito Create of the tool in one command. */
export const initCognito: Scenario<InitPoolSeed> = {
  name: 'init --no-gateway',
  writes: ['CreateUserPool', 'CreateUserPoolDomain', 'CreateResourceServer', 'CreateUserPoolClient', 'CreateGroup', 'AdminCreateUser', 'AdminSetUserPassword', 'AdminAddUserToGroup'],
  seed: async (l) => ({ pool: `pool-${l.tag}`, domain: `dom-${l.tag}`, cwd: stateDir(l) }),
  args: (s) => [
    'init',
    '--no-input',
    '--yes',
    '--no-gateway',
    '--no-doctor',
    '--pool-name',
    s.pool,
    '--domain',
    s.domain,
    '--m2m',
    '--dotenv',
    'agent.env',
    '--user-email',
    'tester@example.com',
    '--user-group',
    'testers',
    '--user-password-stdin',
    '--json',
  ],
  input: `${PASSWORD}\n`,
  cwd: (s) => s.cwd,
  async verify(l, s) {
    const c = emptyCheck();
    const poolId = await onePool(l, c, s.pool);
    if (!poolId) return c;
    await checkDomain(l, c, poolId, s.domain);
    await checkServer(l, c, poolId, ['invoke'], []);
    await checkClients(l, c, poolId, ['copilot-studio-mcp', 'mcp-agent-m2m'], s.cwd);
    await checkUser(l, c, poolId, 'tester@example.com', 'testers');
    if (stateOf(s.cwd).userPoolId !== poolId) c.missing.push(`state file userPoolId ${poolId}`);
    return c;
  },
};
