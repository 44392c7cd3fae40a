/**
 * The `init` wizard in a real pseudo-terminal (tmux), against moto: the keys a person presses,
 * the screen they see, and what exists in the emulator afterwards. Each test waits for prompt
 * text (never a fixed sleep) and is bounded by timeouts.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AdminGetUserCommand, AdminListGroupsForUserCommand, ListResourceServersCommand, ListUserPoolClientsCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { repoRoot, sdk, useMoto } from './moto';
import { Terminal, hasTmux, shq } from './terminal';
// @ts-expect-error plain .mjs script without types
import { seedSample } from '../../scripts/sandbox.mjs';

const bin = join(repoRoot, 'bin', 'mcp-cognito.js');
const base = mkdtempSync(join(tmpdir(), 'mcp-cognito-pty-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe.skipIf(!hasTmux)('init wizard in a real terminal (tmux + moto)', () => {
  const moto = useMoto();
  const terminals: Terminal[] = [];
  afterEach(() => {
    while (terminals.length) terminals.pop()!.kill();
  });

  function start(args: string[], cwd?: string): { term: Terminal; cwd: string } {
    const dir = cwd ?? mkdtempSync(join(base, 'cwd-'));
    const home = join(base, 'home');
    mkdirSync(join(home, '.aws'), { recursive: true });
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      TERM: 'xterm-256color',
      AWS_CONFIG_FILE: join(home, '.aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: moto.endpoint(),
      NO_COLOR: '1',
    };
    const term = new Terminal([shq(process.execPath), shq(bin), 'init', ...args.map(shq)].join(' '), env, dir);
    terminals.push(term);
    return { term, cwd: dir };
  }

  it('Enter at every prompt: connects the sample gateway, adopts its pool, shows the Copilot Studio form and the add-callback step', async () => {
    const seed = await seedSample(moto.endpoint());
    const { term, cwd } = start([]);
    await term.answer('AWS Region');
    await term.answer('Gateway to connect');
    await term.answer('MCP versions the gateway should also speak'); // offered, none ticked
    await term.answer('Hosted-UI domain prefix');
    await term.answer('Resource server identifier');
    await term.answer('Scope on mcp');
    await term.answer('Clients to create');
    await term.answer('Create a sign-in user');
    const plan = await term.waitFor('Create and change these resources?');
    expect(plan).toContain('+ create copilot-studio app client "copilot-studio-mcp"');
    expect(plan).toMatch(/~ update gateway sample-gateway .*JWT authorizer/);
    term.keys('Enter');
    expect(await term.exitCode(), term.screen()).toBe(0);

    const screen = term.screen();
    for (const label of ['Client ID', 'Client secret', 'Authorization URL', 'Token URL', 'Refresh URL', 'Scopes']) expect(screen).toContain(label);
    expect(screen).toMatch(/mcp-cognito add-callback <the redirect URL> --client-id \w+/);
    expect(screen).toContain('Check of the new setup');

    const { cognito, agentcore } = sdk(moto.endpoint());
    expect((await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools?.map((p) => p.Id)).toEqual([seed.poolId]);
    const clients = (await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: seed.poolId, MaxResults: 60 }))).UserPoolClients!;
    const created = clients.find((c) => c.ClientName === 'copilot-studio-mcp')!;
    expect(created).toBeDefined();
    const gw = await agentcore.send(new GetGatewayCommand({ gatewayIdentifier: seed.gatewayId }));
    expect(gw.authorizerConfiguration?.customJWTAuthorizer?.allowedClients).toEqual([seed.existingClientId, created.ClientId]);
    const state = JSON.parse(readFileSync(join(cwd, 'mcp-cognito.json'), 'utf8'));
    expect(state).toMatchObject({ userPoolId: seed.poolId, gatewayId: seed.gatewayId, clients: [{ clientId: created.ClientId, preset: 'copilot-studio' }] });

    // Re-run after success: the state answers the setup questions; nothing is created.
    const again = start(['--no-doctor'], cwd).term;
    await again.answer('MCP versions the gateway should also speak');
    await again.answer('Clients to create');
    await again.answer('Create a sign-in user');
    expect(await again.exitCode()).toBe(0);
    expect(again.screen()).toContain('Nothing to change: everything was already in place.');
    expect((await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: seed.poolId, MaxResults: 60 }))).UserPoolClients).toHaveLength(2);
  }, 90_000);

  it('custom answers: a new pool and domain, own scope, an M2M client with a .env, a test user in a group', async () => {
    const { term, cwd } = start(['--no-doctor']);
    await term.answer('AWS Region');
    await term.waitFor('No AgentCore gateways in us-east-1');
    await term.answer('User pool'); // "Create a new user pool" is the default
    await term.answer('Name of the new user pool', 'team-pool');
    await term.answer('Hosted-UI domain prefix', 'team-auth-x1');
    await term.answer('Resource server identifier');
    await term.answer('Scope on mcp', 'tools');
    await term.waitFor('Clients to create');
    term.keys('Down');
    term.keys('Space');
    await term.answer('Clients to create');
    await term.answer(".env file");
    await term.answer('Create a sign-in user', 'y');
    await term.answer('E-mail address', 'tester@example.com');
    await term.answer('Permanent password', 'Passw0rdXy');
    await term.answer('The same password again', 'Passw0rdXy');
    await term.answer('Add the user to a group', 'testers');
    await term.answer('Create and change these resources?');
    expect(await term.exitCode(), term.screen()).toBe(0);
    const screen = term.screen();
    expect(screen).not.toContain('Passw0rdXy');
    expect(screen).toContain('M2M agent client mcp-agent-m2m');
    // A new pool signs in with e-mail addresses: Cognito generated the user name.
    expect(screen).toMatch(/Sign-in user for testing: tester@example\.com \(CONFIRMED, group testers; user name [0-9a-f-]{36}\)\./);

    const { cognito } = sdk(moto.endpoint());
    const pools = (await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools!;
    expect(pools.map((p) => p.Name)).toEqual(['team-pool']);
    const poolId = pools[0]!.Id!;
    const servers = (await cognito.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 50 }))).ResourceServers!;
    expect(servers.map((s) => [s.Identifier, s.Scopes?.map((x) => x.ScopeName)])).toEqual([['mcp', ['tools']]]);
    const clients = (await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 60 }))).UserPoolClients!;
    expect(clients.map((c) => c.ClientName).sort()).toEqual(['copilot-studio-mcp', 'mcp-agent-m2m']);
    expect(statSync(join(cwd, '.env')).mode & 0o777).toBe(0o600);
    expect((await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'tester@example.com' }))).UserStatus).toBe('CONFIRMED');
    const groups = await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'tester@example.com' }));
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['testers']);
    expect(JSON.parse(readFileSync(join(cwd, 'mcp-cognito.json'), 'utf8'))).toMatchObject({ userPoolId: poolId, domain: 'team-auth-x1' });
  }, 90_000);

  it('Ctrl-C at the first prompt: exit 130, no stack trace, says how to resume, nothing created', async () => {
    const { term, cwd } = start([]);
    await term.waitFor('AWS Region');
    term.keys('C-c');
    expect(await term.exitCode()).toBe(130);
    const screen = term.screen();
    expect(screen).toMatch(/Cancelled/);
    expect(screen).toMatch(/run `mcp-cognito init` again to resume/);
    expect(screen).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);
    expect(existsSync(join(cwd, 'mcp-cognito.json'))).toBe(false);
    const { cognito } = sdk(moto.endpoint());
    expect((await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? []).toEqual([]);
  }, 60_000);

  it('resume after an interruption: Ctrl-C at the plan changes nothing; a run stopped after the pool step continues from the state file', async () => {
    const seed = await seedSample(moto.endpoint());
    // 1. Interrupted at the confirmation: nothing changed.
    const first = start(['--no-doctor']);
    for (const p of ['AWS Region', 'Gateway to connect', 'MCP versions the gateway should also speak', 'Hosted-UI domain prefix', 'Resource server identifier', 'Scope on mcp', 'Clients to create', 'Create a sign-in user']) await first.term.answer(p);
    await first.term.waitFor('Create and change these resources?');
    first.term.keys('C-c');
    expect(await first.term.exitCode()).toBe(130);
    const { cognito, agentcore } = sdk(moto.endpoint());
    expect((await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: seed.poolId, MaxResults: 60 }))).UserPoolClients).toHaveLength(1);
    expect(existsSync(join(first.cwd, 'mcp-cognito.json'))).toBe(false);

    // 2. Interrupted after the pool step (as if Ctrl-C hit between steps): the state file knows the pool.
    const cwd = first.cwd;
    // Asynchronously: the emulator front runs in this process (a synchronous child would block it).
    await promisify(execFile)(process.execPath, [bin, 'init-pool', '--pool-id', seed.poolId, '--json'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: join(base, 'home'), AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: moto.endpoint(), CI: 'true' },
    });
    const resumed = start(['--no-doctor'], cwd).term;
    await resumed.answer('Gateway to connect');
    await resumed.answer('MCP versions the gateway should also speak');
    await resumed.answer('Clients to create');
    await resumed.answer('Create a sign-in user');
    const plan = await resumed.waitFor('Create and change these resources?');
    expect(plan).not.toContain('hosted-UI domain');
    expect(plan).not.toContain('create resource server');
    expect(plan).toContain('+ create copilot-studio app client');
    resumed.keys('Enter');
    expect(await resumed.exitCode(), resumed.screen()).toBe(0);
    const clients = (await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: seed.poolId, MaxResults: 60 }))).UserPoolClients!;
    expect(clients).toHaveLength(2);
    const gw = await agentcore.send(new GetGatewayCommand({ gatewayIdentifier: seed.gatewayId }));
    expect(gw.authorizerConfiguration?.customJWTAuthorizer?.allowedClients).toHaveLength(2);
  }, 90_000);

  it('the sandbox (node scripts/sandbox.mjs, what npm run sandbox runs after the build): own emulator, sample gateway with a target, the wizard, then every printed command works when pasted into a fresh shell, and Ctrl-C stops it', async () => {
    const home = join(base, 'home');
    mkdirSync(join(home, '.aws'), { recursive: true });
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      // The real HOME: a pyenv shim for moto_server needs it. The AWS files are empty ones.
      HOME: process.env.HOME ?? home,
      ...(process.env.PYENV_ROOT ? { PYENV_ROOT: process.env.PYENV_ROOT } : {}),
      AWS_CONFIG_FILE: join(home, '.aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
      TERM: 'xterm-256color',
      NO_COLOR: '1',
    };
    const term = new Terminal([shq(process.execPath), shq(join(repoRoot, 'scripts', 'sandbox.mjs'))].join(' '), env, repoRoot);
    terminals.push(term);
    await term.waitFor('with a sample gateway sample-gateway', 40_000);
    for (const p of ['AWS Region', 'Gateway to connect', 'MCP versions the gateway should also speak', 'Hosted-UI domain prefix', 'Resource server identifier', 'Scope on mcp', 'Clients to create', 'Create a sign-in user', 'Create and change these resources?']) await term.answer(p);
    const screen = await term.waitFor(/for example:/, 60_000);
    expect(screen).toContain('Client secret');
    expect(screen).toMatch(/Gateway sample-gateway: updated \(allowed clients \+ \w+/);
    // The block the sandbox prints, pasted as printed into a fresh shell (nothing inherited but PATH and HOME).
    const block = screen.slice(screen.indexOf('paste these lines'), screen.indexOf('for example:')).split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
    expect(block[0]).toMatch(/^cd /);
    const printed = /Register it:\s+(mcp-cognito add-callback <the redirect URL> --client-id \w+)/.exec(screen)?.[1];
    expect(printed, screen).toBeDefined();
    // Each printed command, as printed (the placeholder filled in as a person would, --yes for the pipe).
    const commands = [`${printed!.replace('<the redirect URL>', 'https://global.consent.azure-apim.net/redirect/sandbox-tool')} --yes`, 'mcp-cognito doctor', 'mcp-cognito status'];
    const shell = spawnSync('bash', ['-c', [...block, ...commands.map((c) => `${c}; echo "[exit $?]"`)].join('\n')], { env: { PATH: env.PATH, HOME: env.HOME, AWS_CONFIG_FILE: env.AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE: env.AWS_SHARED_CREDENTIALS_FILE, NO_COLOR: '1' }, cwd: tmpdir(), encoding: 'utf8', timeout: 60_000 });
    const out = shell.stdout + shell.stderr;
    expect(out.match(/\[exit (\d+)\]/g), out).toEqual(['[exit 0]', '[exit 0]', '[exit 0]']);
    expect(out).toContain('+ https://global.consent.azure-apim.net/redirect/sandbox-tool');
    expect(out).toMatch(/\d+ passed, 0 warnings, 0 failed/);
    term.keys('C-c');
    expect(await term.exitCode(30_000), term.screen()).toBe(0);
    expect(term.screen()).toContain('Emulator stopped: the pool, clients and gateway above existed only in it');
    expect(term.screen()).toContain('nothing was sent to AWS');
  }, 120_000);
});
