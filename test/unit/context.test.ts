import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { CognitoIdentityProviderClient, CreateUserPoolCommand, DescribeUserPoolDomainCommand, ListResourceServersCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CancelledError, InputError, UsageError } from '../../src/lib/errors.js';
import { main } from '../../src/cli.js';
import { CaptureStream, scriptedPrompter, stripAnsi, testCtx } from './helpers.js';

const saved = { AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE: process.env.AWS_SHARED_CREDENTIALS_FILE, AWS_PROFILE: process.env.AWS_PROFILE };
let dir: string;

/** Point the shared config files at a temp dir (the SDK's loader reads process.env). */
function awsConfig(config: string): void {
  writeFileSync(join(dir, 'config'), config);
  writeFileSync(join(dir, 'credentials'), '');
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
}

beforeEach(() => {
  dir = testCtx().dir;
  delete process.env.AWS_PROFILE;
  awsConfig('');
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('Region precedence: --region > state > AWS_REGION > AWS_DEFAULT_REGION > profile', () => {
  const all = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' };
  const state = { version: 1, region: 'ap-south-1' };

  it('the flag wins over everything', async () => {
    awsConfig('[default]\nregion = sa-east-1\n');
    expect(await testCtx({ region: 'us-west-2' }, { env: all, state }).ctx.region()).toBe('us-west-2');
  });
  it('then the state file', async () => {
    expect(await testCtx({}, { env: all, state }).ctx.region()).toBe('ap-south-1');
  });
  it('then AWS_REGION', async () => {
    expect(await testCtx({}, { env: all }).ctx.region()).toBe('eu-west-1');
  });
  it('then AWS_DEFAULT_REGION', async () => {
    awsConfig('[default]\nregion = sa-east-1\n');
    expect(await testCtx({}, { env: { AWS_DEFAULT_REGION: 'eu-west-2' } }).ctx.region()).toBe('eu-west-2');
  });
  it('then the default profile\'s region from AWS_CONFIG_FILE', async () => {
    awsConfig('[default]\nregion = sa-east-1\n\n[profile work]\nregion = ca-central-1\n');
    expect(await testCtx({}, { env: {} }).ctx.region()).toBe('sa-east-1');
  });
  it('the named profile (--profile, or AWS_PROFILE in the environment)', async () => {
    awsConfig('[default]\nregion = sa-east-1\n\n[profile work]\nregion = ca-central-1\n');
    expect(await testCtx({ profile: 'work' }, { env: {} }).ctx.region()).toBe('ca-central-1');
    expect(await testCtx({}, { env: { AWS_PROFILE: 'work' } }).ctx.region()).toBe('ca-central-1');
  });
  it('none → usage error (exit 2) naming --region', async () => {
    const err = await testCtx({}, { env: {} })
      .ctx.region()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err).toMatchObject({ exit: 2, code: 'USAGE' });
    expect((err as Error).message).toContain('--region');
  });
  it.each([
    ['the state file', {}, { state: { version: 1, region: 'bogus' } }, /^The region in the state file .*mcp-cognito\.json "bogus" is not an AWS Region code/],
    ['AWS_REGION', {}, { env: { AWS_REGION: 'bogus' } }, /^AWS_REGION "bogus"/],
    ['AWS_DEFAULT_REGION', {}, { env: { AWS_DEFAULT_REGION: 'bogus' } }, /^AWS_DEFAULT_REGION "bogus"/],
  ])('a malformed Region from %s is an input error (exit 2) that names where it came from', async (_w, flags, deps, message) => {
    const err = await testCtx(flags, deps)
      .ctx.region()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
  });
  it('a malformed profile region names the profile', async () => {
    awsConfig('[profile work]\nregion = bogus\n');
    await expect(testCtx({ profile: 'work' }, { env: {} }).ctx.region()).rejects.toThrow(/^The region of AWS profile work "bogus"/);
  });
  it('a malformed --region is an input error naming the flag', async () => {
    const err = await testCtx({ region: 'useast1' }).ctx.region().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain('--region "useast1"');
  });
});

describe('pool ID and Region', () => {
  it('the pool\'s own Region wins over the environment', async () => {
    const { ctx } = testCtx({}, { env: { AWS_REGION: 'us-east-1' } });
    expect(await ctx.poolId('eu-west-1_Abc123')).toBe('eu-west-1_Abc123');
    expect(await ctx.region()).toBe('eu-west-1');
  });
  it('a --pool-id in another Region than --region → exit 2 naming both', async () => {
    const err = await testCtx({ region: 'us-east-1' })
      .ctx.poolId('eu-west-1_Abc123')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain('eu-west-1');
    expect((err as Error).message).toContain('us-east-1');
  });
  it('a state file pool in another Region than --region → exit 2 saying it comes from the state file', async () => {
    const err = await testCtx({ region: 'eu-west-1' }, { state: { version: 1, userPoolId: 'us-east-1_Abc123' } })
      .ctx.poolId(undefined)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe("The state file's user pool us-east-1_Abc123 is in us-east-1, but --region is eu-west-1.");
    expect((err as InputError).hint).toContain('--pool-id');
  });
  it('a malformed userPoolId in the state file → exit 2 naming the file', async () => {
    const t = testCtx({}, { state: { version: 1, userPoolId: 'pool-1' } });
    await expect(t.ctx.poolId(undefined)).rejects.toThrow(`The userPoolId in the state file ${t.statePath} "pool-1" is not a Cognito user pool ID`);
  });
  it('falls back to the state file\'s pool; none → usage error naming --pool-id', async () => {
    expect(await testCtx({}, { state: { version: 1, userPoolId: 'us-east-2_Q1' } }).ctx.poolId(undefined)).toBe('us-east-2_Q1');
    await expect(testCtx().ctx.poolId(undefined)).rejects.toThrow(/--pool-id/);
    await expect(testCtx().ctx.poolId(undefined, { required: false })).resolves.toBe('');
  });
});

describe('prompting and approval policy', () => {
  it('canPrompt only on a terminal, and not with --json, --no-input or CI', () => {
    expect(testCtx({}, { tty: true }).ctx.canPrompt).toBe(true);
    expect(testCtx({}, { tty: false }).ctx.canPrompt).toBe(false);
    expect(testCtx({ json: true }, { tty: true }).ctx.canPrompt).toBe(false);
    expect(testCtx({ input: false }, { tty: true }).ctx.canPrompt).toBe(false);
    expect(testCtx({}, { tty: true, env: { CI: 'true' } }).ctx.canPrompt).toBe(false);
    expect(testCtx({}, { tty: true, env: { CI: 'false' } }).ctx.canPrompt).toBe(true);
  });

  const step = { action: 'update' as const, resource: 'resource server "mcp" scopes', diff: ['  mcp/invoke', '+ mcp/admin'], awsCli: 'aws cognito-idp update-resource-server --region us-east-1' };

  it('--dry-run: shows the plan with the aws command and returns false', async () => {
    const t = testCtx({ dryRun: true, yes: true });
    expect(await t.ctx.approve([step])).toBe(false);
    const err = stripAnsi(t.stderr());
    expect(err).toContain('~ update resource server "mcp" scopes\n');
    expect(err).toContain('    + mcp/admin\n');
    expect(err).toContain('    $ aws cognito-idp update-resource-server --region us-east-1');
    expect(t.ctx.planned).toEqual([step]);
  });
  it('--yes: true without asking', async () => {
    const p = scriptedPrompter([]);
    expect(await testCtx({ yes: true }, { tty: true, prompter: p }).ctx.approve([step])).toBe(true);
    expect(p.asked).toEqual([]);
  });
  it('no terminal and no --yes: usage error (exit 2) naming --yes', async () => {
    await expect(testCtx({}).ctx.approve([step])).rejects.toMatchObject({ exit: 2, message: expect.stringContaining('--yes') });
  });
  it('a terminal: asks; declined → CancelledError (exit 130)', async () => {
    const p = scriptedPrompter([true, false]);
    expect(await testCtx({}, { tty: true, prompter: p }).ctx.approve([step], 'Go?')).toBe(true);
    const err = await testCtx({}, { tty: true, prompter: p })
      .ctx.approve([step])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as CancelledError).exit).toBe(130);
    expect(p.asked.map((a) => a.message)).toEqual(['Go?', 'Apply these changes?']);
  });
  it('the confirmation defaults to Yes for what only adds, to No for what deletes or takes something away', async () => {
    const p = scriptedPrompter([true, true, true]);
    await testCtx({}, { tty: true, prompter: p }).ctx.approve([step]);
    await testCtx({}, { tty: true, prompter: p }).ctx.approve([{ action: 'delete', resource: 'app client "c"' }]);
    await testCtx({}, { tty: true, prompter: p }).ctx.approve([step, { action: 'update', resource: 'gateway "g"', diff: ['  a', '- b'] }]);
    expect(p.asked.map((a) => a.default)).toEqual([true, false, false]);
  });
  it('creating only: true normally without asking; under --dry-run false, with the plan on stderr', async () => {
    expect(await testCtx({}).ctx.approve([{ action: 'create', resource: 'x' }])).toBe(true);
    const t = testCtx({ dryRun: true });
    expect(await t.ctx.approve([{ action: 'create', resource: 'user pool "p"', awsCli: 'aws cognito-idp create-user-pool --pool-name p' }])).toBe(false);
    expect(stripAnsi(t.stderr())).toContain('+ create user pool "p"\n    $ aws cognito-idp create-user-pool --pool-name p');
  });
  it('--endpoint-url must be an http(s) URL', () => {
    expect(testCtx({ endpointUrl: 'http://127.0.0.1:5000' }).ctx.endpoint).toBe('http://127.0.0.1:5000');
    expect(() => testCtx({ endpointUrl: 'localhost:5000' }).ctx.endpoint).toThrow(InputError);
  });
});

describe('main(): the envelope and exit codes, in process', () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  beforeEach(() => cognito.reset());

  async function run(args: string[]) {
    const stdout = new CaptureStream();
    const stderr = new CaptureStream();
    const code = await main(['node', 'mcp-cognito', ...args, '--state', join(dir, 'state.json')], { stdout, stderr, env: { AWS_REGION: 'us-east-1' }, stdinIsTTY: false });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  it('--dry-run --json: exit 0, one JSON document with dryRun and the plan, no Create*', async () => {
    cognito.on(ListUserPoolsCommand).resolves({ UserPools: [] });
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: {} });
    cognito.on(ListResourceServersCommand).resolves({ ResourceServers: [] });
    const r = await run(['init-pool', '--pool-name', 'p', '--domain', 'p-x1', '--dry-run', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ success: true, command: 'init-pool', dryRun: true, created: [] });
    expect(doc.plan.map((s: { action: string; awsCli: string }) => s.awsCli.split(' --')[0])).toEqual([
      'aws cognito-idp create-user-pool',
      'aws cognito-idp create-user-pool-domain',
      'aws cognito-idp create-resource-server',
    ]);
    expect(cognito.commandCalls(CreateUserPoolCommand)).toHaveLength(0);
  });

  it('bad input with --json: exit 2, the failure envelope only, no AWS call', async () => {
    const r = await run(['init-pool', '--domain', 'my-aws-x', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ success: false, command: 'init-pool', error: { code: 'INVALID_INPUT', message: expect.stringContaining('--domain "my-aws-x"') } });
    expect(cognito.calls()).toHaveLength(0);
  });

  it('an AWS error: exit 1, ACCESS_DENIED naming the action, no stack trace without --debug', async () => {
    cognito.on(ListUserPoolsCommand).rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    const r = await run(['init-pool', '--domain', 'p-x1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('cognito-idp:ListUserPools');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const dbg = await run(['init-pool', '--domain', 'p-x1', '--debug']);
    expect(dbg.stderr).toMatch(/\n\s+at /);
  });
});
