/**
 * Other writers (issue 10, items 2 and 6): another writer changes the resource between our read
 * and our write (a front hook after our first read), and a stale writer overwrites our write with
 * what it read before it (a hook right after our write: our item is gone, theirs is there) — both
 * must end with every item kept, on the emulator front, which resets omitted fields like AWS.
 * Then several processes at once on one client or one gateway, and slow reads (a delay past the
 * request timeout) survived by a retry. Figures: test/faults-reporter.ts.
 */
import { describe, expect, it } from 'vitest';
import { DescribeUserPoolClientCommand, ListResourceServersCommand, UpdateResourceServerCommand, UpdateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { HookContext } from '../emulator/server';
import { GetGatewayCommand, UpdateGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { useEmulator } from './moto';
import { runCli } from './run-cli';
import { cliEnv, emptyCheck, expectClean, figuresOf, inLane, keptAll, matrix, record, type Check, type Lane } from './fault-kit';
import { addCallback, authorizeClient, CALLBACK_URL, initPoolScope, seedClient, seedPool } from './fault-scenarios';

const emu = useEmulator();

/** The client as DescribeUserPoolClient shows it, as an UpdateUserPoolClient request (every updatable field). */
async function clientUpdate(ctx: HookContext, poolId: string, clientId: string) {
  const c = (await ctx.aws.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient!;
  const { ClientSecret: _s, CreationDate: _c, LastModifiedDate: _l, ...rest } = c;
  return { ...rest, UserPoolId: poolId, ClientId: clientId };
}

async function gatewayUpdate(ctx: HookContext, gatewayId: string, allowedClients: (now: string[]) => string[]) {
  const g = await ctx.aws.agentcore.send(new GetGatewayCommand({ gatewayIdentifier: gatewayId }));
  const jwt = g.authorizerConfiguration!.customJWTAuthorizer!;
  await ctx.aws.agentcore.send(
    new UpdateGatewayCommand({
      gatewayIdentifier: gatewayId,
      name: g.name,
      description: g.description,
      roleArn: g.roleArn,
      protocolType: g.protocolType,
      authorizerType: g.authorizerType,
      authorizerConfiguration: { customJWTAuthorizer: { ...jwt, allowedClients: allowedClients(jwt.allowedClients ?? []) } },
    }),
  );
}

interface WriterResult {
  check: Check;
  hooks: number;
}

const OTHER = 'https://other-writer.example.com/cb';
const STALE = 'https://stale-writer.example.com/cb';

/** add-callback while another writer adds a URL after our read, and a stale writer drops ours right after our write. */
async function callbackWriters(l: Lane): Promise<WriterResult> {
  const poolId = await seedPool(l);
  const clientId = await seedClient(l, poolId);
  const ours = `${CALLBACK_URL}/${l.tag}`;
  let beforeOurs: string[] = [];
  const a = l.front.faults.hook({
    operation: 'DescribeUserPoolClient',
    when: 'after',
    async run(ctx) {
      const u = await clientUpdate(ctx, poolId, clientId);
      beforeOurs = [...(u.CallbackURLs ?? []), OTHER];
      await ctx.aws.cognito.send(new UpdateUserPoolClientCommand({ ...u, CallbackURLs: beforeOurs }));
    },
  });
  const b = l.front.faults.hook({
    operation: 'UpdateUserPoolClient',
    when: 'after',
    async run(ctx) {
      // Read before our write, written after it: our URL is gone, theirs is there.
      const u = await clientUpdate(ctx, poolId, clientId);
      await ctx.aws.cognito.send(new UpdateUserPoolClientCommand({ ...u, CallbackURLs: [...beforeOurs, STALE] }));
    },
  });
  const r = await runCli(['add-callback', ours, '--pool-id', poolId, '--client-id', clientId, '--yes', '--json'], { endpoint: l.endpoint, env: cliEnv(l) });
  expect(r.code, r.stderr).toBe(0);
  const c = (await l.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient!;
  const check = emptyCheck();
  keptAll(check, 'missing', 'CallbackURLs', c.CallbackURLs, [ours]);
  keptAll(check, 'lost', 'CallbackURLs', c.CallbackURLs, ['https://app.example.com/callback', OTHER, STALE]);
  keptAll(check, 'lost', 'LogoutURLs', c.LogoutURLs, ['https://app.example.com/bye']);
  keptAll(check, 'lost', 'AllowedOAuthScopes', c.AllowedOAuthScopes, ['openid', 'mcp/invoke']);
  return { check, hooks: a.fired + b.fired };
}

/** authorize-client while another writer allows a client after our read, and a stale writer drops ours right after our write. */
async function gatewayWriters(l: Lane): Promise<WriterResult> {
  const { poolId, clientId, gatewayId, cwd } = await authorizeClient.seed(l);
  const a = l.front.faults.hook({ operation: 'GetGateway', when: 'after', run: (ctx) => gatewayUpdate(ctx, gatewayId, (now) => [...now, 'otherclient1']) });
  const b = l.front.faults.hook({ operation: 'UpdateGateway', when: 'after', run: (ctx) => gatewayUpdate(ctx, gatewayId, () => ['existingclient1', 'otherclient1', 'staleclient1']) });
  const r = await runCli(['authorize-client', '--client-id', clientId, '--yes', '--no-wait', '--json'], { endpoint: l.endpoint, cwd, env: cliEnv(l) });
  expect(r.code, `${poolId}: ${r.stderr}${r.stdout}`).toBe(0);
  const g = await l.agentcore.send(new GetGatewayCommand({ gatewayIdentifier: gatewayId }));
  const allowed = g.authorizerConfiguration?.customJWTAuthorizer?.allowedClients;
  const check = emptyCheck();
  keptAll(check, 'missing', 'allowedClients', allowed, [clientId]);
  keptAll(check, 'lost', 'allowedClients', allowed, ['existingclient1', 'otherclient1', 'staleclient1']);
  if (g.description !== 'MCP tools') check.lost.push('gateway description');
  return { check, hooks: a.fired + b.fired };
}

/** init-pool adding a scope while another writer adds one after our read, and a stale writer drops ours right after our write. */
async function scopeWriters(l: Lane): Promise<WriterResult> {
  const { poolId, domain, cwd } = await initPoolScope.seed(l);
  const scopes = async (ctx: HookContext) => (await ctx.aws.cognito.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 50 }))).ResourceServers!.find((s) => s.Identifier === 'mcp')!.Scopes ?? [];
  const put = (ctx: HookContext, names: string[]) => ctx.aws.cognito.send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'mcp', Name: 'MCP', Scopes: names.map((n) => ({ ScopeName: n, ScopeDescription: n })) }));
  const a = l.front.faults.hook({ operation: 'ListResourceServers', when: 'after', run: async (ctx) => put(ctx, [...(await scopes(ctx)).map((s) => s.ScopeName!), 'write']) });
  const b = l.front.faults.hook({ operation: 'UpdateResourceServer', when: 'after', run: (ctx) => put(ctx, ['invoke', 'read', 'write', 'stale']) });
  const r = await runCli(['init-pool', '--pool-id', poolId, '--domain', domain, '--scope', 'invoke', '--scope', 'admin=Admin tools', '--yes', '--json'], { endpoint: l.endpoint, cwd, env: cliEnv(l) });
  expect(r.code, r.stderr).toBe(0);
  const now = (await l.cognito.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 50 }))).ResourceServers!.find((s) => s.Identifier === 'mcp')!.Scopes!.map((s) => s.ScopeName!);
  const check = emptyCheck();
  keptAll(check, 'missing', 'resource server mcp', now, ['admin']);
  keptAll(check, 'lost', 'resource server mcp', now, ['invoke', 'read', 'write', 'stale']);
  return { check, hooks: a.fired + b.fired };
}

/** 5 add-callback processes on one client at once: all 5 URLs, the first one kept. */
async function fiveCallbacks(l: Lane): Promise<Check> {
  const poolId = await seedPool(l);
  const clientId = await seedClient(l, poolId);
  const urls = [1, 2, 3, 4, 5].map((i) => `${CALLBACK_URL}/${l.tag}/${i}`);
  const runs = await Promise.all(urls.map((u) => runCli(['add-callback', u, '--pool-id', poolId, '--client-id', clientId, '--yes', '--json'], { endpoint: l.endpoint, env: cliEnv(l) })));
  const check = emptyCheck();
  runs.forEach((r, i) => r.code === 0 || check.missing.push(`add-callback ${i + 1} exit ${r.code}: ${r.stderr.trim().split('\n').pop()}`));
  const c = (await l.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient!;
  keptAll(check, 'lost', 'CallbackURLs', c.CallbackURLs, ['https://app.example.com/callback', ...urls]);
  return check;
}

/** 2 authorize-client processes at once, each for its own client: both allowed, the existing one kept. */
async function twoAuthorizations(l: Lane): Promise<Check> {
  const { poolId, clientId, gatewayId, cwd } = await authorizeClient.seed(l);
  const second = await seedClient(l, poolId, 'agent-two');
  const runs = await Promise.all([clientId, second].map((id) => runCli(['authorize-client', '--client-id', id, '--yes', '--no-wait', '--json'], { endpoint: l.endpoint, cwd, env: cliEnv(l) })));
  const check = emptyCheck();
  runs.forEach((r, i) => r.code === 0 || check.missing.push(`authorize-client ${i + 1} exit ${r.code}: ${r.stderr.trim().split('\n').pop()}`));
  const g = await l.agentcore.send(new GetGatewayCommand({ gatewayIdentifier: gatewayId }));
  keptAll(check, 'lost', 'allowedClients', g.authorizerConfiguration?.customJWTAuthorizer?.allowedClients, ['existingclient1', clientId, second]);
  return check;
}

const problems = (c: Check) => [...c.duplicates.map((d) => `duplicate ${d}`), ...c.lost.map((x) => `lost: ${x}`), ...c.missing.map((x) => `missing: ${x}`)];

describe('faults: other writers and concurrent processes', () => {
  it('another writer after our read, a stale writer right after our write (client, gateway, resource server): every item kept; 5 add-callback and 2 authorize-client at once: every item', async ({ task }) => {
    const moto = emu.motoEndpoint();
    const [cb, gw, rs, five, two] = await Promise.all([
      inLane(moto, 'hook-callback', callbackWriters),
      inLane(moto, 'hook-gateway', gatewayWriters),
      inLane(moto, 'hook-scope', scopeWriters),
      inLane(moto, 'five-callbacks', fiveCallbacks),
      inLane(moto, 'two-authorize', twoAuthorizations),
    ]);
    const writers = [cb, gw, rs];
    const checks = [...writers.map((w) => w.check), five, two];
    record(task, {
      writersBetween: writers.reduce((n, w) => n + w.hooks, 0),
      concurrentProcesses: 7,
      itemsLost: checks.reduce((n, c) => n + c.lost.length, 0),
      duplicates: checks.reduce((n, c) => n + c.duplicates.length, 0),
    });
    expect(checks.flatMap(problems)).toEqual([]);
    // Each hook ran: the other writer and the stale writer both got in.
    expect(writers.map((w) => w.hooks)).toEqual([2, 2, 2]);
  }, 120_000);

  it('a read slower than the request timeout is sent again by the SDK (add-callback, authorize-client)', async ({ task }) => {
    const out = await matrix(emu.motoEndpoint(), [
      [{ ...addCallback, name: 'add-callback (slow read)', writes: ['DescribeUserPoolClient'] }, [{ faults: [{ kind: 'delay' }], mode: 'transient' }]],
      [{ ...authorizeClient, name: 'authorize-client (slow read)', writes: ['GetGateway'] }, [{ faults: [{ kind: 'delay' }], mode: 'transient' }]],
    ]);
    record(task, figuresOf(out));
    expectClean(out);
    // Survived, not failed and re-run.
    expect(out.map((o) => o.first.code)).toEqual([0, 0]);
  }, 120_000);
});
