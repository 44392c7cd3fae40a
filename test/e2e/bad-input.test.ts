/**
 * Bad input through the built binary against moto: every flag that reaches AWS refuses control
 * characters and surrounding white space with one sentence naming the flag, exit 2, and not one
 * AWS request. Each command is also run once with clean values (--dry-run) and must send
 * requests, so "zero requests" is the validation's doing and not a broken setup.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateResourceServerCommand, CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { acquireMoto, sdk } from './moto';
import { runCli } from './run-cli';
import { record } from './fault-kit';

// One moto for the file (the worker slot's, reset), seeded once: bad input sends nothing, and the clean runs only read (--dry-run),
// so the cases run concurrently against the same seed.
let moto: Awaited<ReturnType<typeof acquireMoto>>;
let cwd = '';
let clientId = '';

afterAll(async () => {
  await moto?.release();
});

beforeAll(async () => {
  moto = await acquireMoto();
  await moto.reset();
  const { cognito } = sdk(moto.endpoint);
  const pool = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'mcp-gateway' }))).UserPool!;
  await cognito.send(new CreateResourceServerCommand({ UserPoolId: pool.Id, Identifier: 'mcp', Name: 'MCP', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke' }] }));
  const client = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: pool.Id, ClientName: 'copilot-studio-mcp', GenerateSecret: true, CallbackURLs: ['https://app.example.com/cb'], AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'mcp/invoke'], AllowedOAuthFlowsUserPoolClient: true }))).UserPoolClient!;
  clientId = client.ClientId!;
  cwd = mkdtempSync(join(tmpdir(), 'mcp-cognito-bad-input-'));
  writeFileSync(join(cwd, 'mcp-cognito.json'), JSON.stringify({ version: 1, region: 'us-east-1', userPoolId: pool.Id, clients: [{ clientId, name: 'copilot-studio-mcp', preset: 'copilot-studio' }] }));
});

/** [label, args (the client ID is filled in), the flag the sentence must name, env]. */
type Case = [string, (id: string) => string[], string, Record<string, string>?];

const CASES: Case[] = [
  ['add-callback: newline at the end of a callback URL', () => ['add-callback', 'https://copilot.example.com/redirect\n', '--yes'], 'Callback URL'],
  ['add-callback: tab inside a callback URL (URL parsers drop it)', () => ['add-callback', 'https://copilot.example.com/re\tdirect', '--yes'], 'Callback URL'],
  ['add-callback: leading space in a logout URL', () => ['add-callback', '--logout', ' https://app.example.com/bye', '--yes'], 'Logout URL'],
  ['add-callback: newline in --client-id', (id) => ['add-callback', 'https://copilot.example.com/r', '--client-id', `${id}\n`, '--yes'], '--client-id'],
  ['add-callback: DEL in --pool-id', () => ['add-callback', 'https://copilot.example.com/r', '--pool-id', 'us-east-1_abc\u007f', '--yes'], '--pool-id'],
  ['remove-callback: newline at the end of a callback URL', () => ['remove-callback', 'https://copilot.example.com/redirect\n', '--yes'], 'Callback URL'],
  ['remove-callback: tab in --client-id', (id) => ['remove-callback', 'https://copilot.example.com/r', '--client-id', `${id}\t`, '--yes'], '--client-id'],
  ['rotate-secret: newline in --client-id', (id) => ['rotate-secret', '--client-id', `${id}\n`, '--yes'], '--client-id'],
  // (--dotenv, not --env-file: Node 20 itself reads a script's --env-file argument and exits 9 when it names no file, nodejs/node#54232.)
  ['rotate-secret: newline in --dotenv', () => ['rotate-secret', '--dotenv', '.env\n', '--yes'], '--dotenv'],
  ['create-client: newline in --name', () => ['create-client', '--preset', 'web', '--name', 'mcp web\n', '--callback-url', 'https://app.example.com/cb'], '--name'],
  ['create-client: C1 (NEL) in --callback-url', () => ['create-client', '--preset', 'web', '--callback-url', 'https://app.example.com/cb\u0085'], '--callback-url'],
  ['create-client: tab after --scope', () => ['create-client', '--scope', 'mcp/invoke\t'], '--scope'],
  ['create-client: trailing space in --logout-url', () => ['create-client', '--logout-url', 'https://app.example.com/bye '], '--logout-url'],
  ['create-client: newline in --access-token-validity', () => ['create-client', '--access-token-validity', '8h\n'], '--access-token-validity'],
  ['create-client: newline in --dotenv', () => ['create-client', '--preset', 'm2m', '--dotenv', '.env\n'], '--dotenv'],
  ['init-pool: newline in --pool-name', () => ['init-pool', '--pool-name', 'pool\nx'], '--pool-name'],
  ['init-pool: trailing space in --domain', () => ['init-pool', '--domain', 'p-x1 '], '--domain'],
  ['init-pool: DEL in --resource-server', () => ['init-pool', '--resource-server', 'mcp\u007f'], '--resource-server'],
  ['init-pool: leading space in --resource-server-name', () => ['init-pool', '--resource-server-name', ' MCP'], '--resource-server-name'],
  ['init-pool: newline in a --scope description', () => ['init-pool', '--scope', 'invoke=Invoke\ntools'], '--scope'],
  ['create-user: newline after --email', () => ['create-user', '--email', 'tester@example.com\n', '--password-stdin'], '--email'],
  ['create-user: tab in --group', () => ['create-user', '--email', 'tester@example.com', '--group', 'test\ters', '--password-stdin'], '--group'],
  ['authorize-client: newline in --client-id', (id) => ['authorize-client', '--client-id', `${id}\n`, '--gateway-id', 'gw-abc1234567', '--yes'], '--client-id'],
  ['authorize-client: trailing space in --gateway-id', (id) => ['authorize-client', '--client-id', id, '--gateway-id', 'gw-abc1234567 ', '--yes'], '--gateway-id'],
  ['doctor: newline in --redirect-uri', () => ['doctor', '--redirect-uri', 'https://app.example.com/cb\n'], '--redirect-uri'],
  ['doctor: tab in --client-id', (id) => ['doctor', '--client-id', `\t${id}`], '--client-id'],
  ['init: newline in --callback-url', () => ['init', '--no-gateway', '--callback-url', 'https://app.example.com/cb\n', '--yes'], '--callback-url'],
  ['init: tab in --access-token-validity', () => ['init', '--no-gateway', '--access-token-validity', '8h\t', '--yes'], '--access-token-validity'],
  ['init: tab in --client-name', () => ['init', '--no-gateway', '--client-name', 'copilot\tstudio', '--yes'], '--client-name'],
  ['init: newline in --user-email', () => ['init', '--no-gateway', '--user-email', 'tester@example.com\n', '--user-password-stdin', '--yes'], '--user-email'],
  ['global: newline in --region', () => ['create-client', '--region', 'us-east-1\n'], '--region'],
  ['global: newline in --profile', () => ['create-client', '--profile', 'dev\n'], '--profile'],
  ['global: newline in --state', () => ['create-client', '--state', 'mcp-cognito.json\n'], '--state'],
  ['global: leading space in --endpoint-url', () => ['create-client', '--endpoint-url', ' http://127.0.0.1:1'], '--endpoint-url'],
  ['global: newline in AWS_PROFILE', () => ['create-client'], 'AWS_PROFILE', { AWS_PROFILE: 'dev\n' }],
];

describe('bad input (moto): exit 2, one sentence naming the flag, zero AWS requests', () => {
  it.concurrent.for(CASES)('%s', async ([, args, flag, env], { task }) => {
    const r = await runCli(args(clientId), { endpoint: moto.endpoint, cwd, env, input: 'Corr3ctHorse\n' });
    // The fault suite's figures (test/faults-reporter.ts): handled = exit 2 and not one AWS request.
    record(task, { badInputs: 1, badInputsHandled: r.code === 2 && r.requests.length === 0 ? 1 : 0 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.requests.map((q) => q.operation)).toEqual([]);
    const first = r.stderr.split('\n')[0]!;
    expect(first).toContain(flag);
    expect(first).toMatch(/contains a control character \([^)]*U\+[0-9A-F]{4}\)|begins with white space|ends with white space/);
  });

  it('the same commands with clean values do send requests (the setup is sound)', async () => {
    const clean = [
      ['add-callback', 'https://copilot.example.com/redirect', '--client-id', clientId, '--dry-run'],
      ['create-client', '--preset', 'web', '--name', 'mcp web', '--callback-url', 'https://app.example.com/cb', '--scope', 'mcp/invoke', '--dry-run'],
      ['init-pool', '--pool-name', 'mcp-gateway', '--scope', 'invoke=Invoke tools', '--dry-run'],
      ['create-user', '--email', 'tester@example.com', '--group', 'testers', '--dry-run'],
      ['doctor', '--client-id', clientId, '--redirect-uri', 'https://app.example.com/cb', '--no-probes'],
      ['remove-callback', 'https://copilot.example.com/redirect', '--client-id', clientId, '--dry-run'],
      ['rotate-secret', '--client-id', clientId, '--dry-run'],
      ['status'],
    ];
    const runs = await Promise.all(clean.map((args) => runCli(args, { endpoint: moto.endpoint, cwd })));
    runs.forEach((r, i) => expect(r.requests.length, `${clean[i]!.join(' ')}: ${r.stderr}`).toBeGreaterThan(0));
  });
});

/**
 * Hostile input (issue 17, point 5): user info in a URL we store or redirect to, invisible and
 * bidirectional-control characters (Unicode Cf) anywhere, an empty ID flag (never "use the state
 * file's"), a state file that is not a regular file (a FIFO must not hang): exit 2, one sentence,
 * zero AWS requests.
 */
type Hostile = [string, (id: string, dir: string) => string[], RegExp];
const HOSTILE: Hostile[] = [
  ['add-callback: a callback URL with user info (its host is evil.example)', () => ['add-callback', 'https://global.consent.azure-apim.net@evil.example/redirect/x', '--yes'], /Callback URL .* contains user info .* it leads to evil\.example, not global\.consent\.azure-apim\.net/],
  ['create-client: --callback-url with user info', () => ['create-client', '--preset', 'web', '--callback-url', 'https://app.example.com@evil.example/cb'], /--callback-url .* contains user info .* evil\.example/],
  ['init: --callback-url with user and password', () => ['init', '--no-gateway', '--callback-url', 'https://user:pw@evil.example/cb', '--yes'], /--callback-url .* contains user info/],
  ['add-callback: a zero-width space in a callback URL', () => ['add-callback', 'https://copilot.example.com/re\u200bdirect', '--yes'], /invisible formatting character \(zero width space, U\+200B\) at position 31/],
  ['create-client: a right-to-left override in --callback-url', () => ['create-client', '--preset', 'web', '--callback-url', 'https://app.example.com/\u202ecb'], /--callback-url .*\\u202e.* invisible formatting character \(right-to-left override, U\+202E\) at position 25/],
  ['create-client: a byte order mark in --name', () => ['create-client', '--preset', 'm2m', '--name', '\ufeffagent'], /--name .* invisible formatting character \(byte order mark, U\+FEFF\) at position 1/],
  ['create-user: a zero-width joiner in --email', () => ['create-user', '--email', 'tester\u200d@example.com', '--password-stdin'], /--email .* U\+200D\) at position 7/],
  ['authorize-client: --gateway-id ""', (id) => ['authorize-client', '--client-id', id, '--gateway-id', '', '--yes'], /--gateway-id is empty/],
  ['add-callback: --pool-id ""', () => ['add-callback', 'https://copilot.example.com/r', '--pool-id', '', '--yes'], /--pool-id is empty/],
  ['remove-callback: --client-id ""', () => ['remove-callback', 'https://copilot.example.com/r', '--client-id', '', '--yes'], /--client-id is empty/],
  ['facade deploy: --gateway-id ""', () => ['facade', 'deploy', '--gateway-id', '', '--yes'], /--gateway-id is empty/],
  ['status: a FIFO as the state file (no hang)', (_id, dir) => ['status', '--state', join(dir, 'fifo.json')], /state file .*fifo\.json is a named pipe \(FIFO\), not a regular file/],
  ['create-client: a FIFO as the state file (no hang)', (_id, dir) => ['create-client', '--preset', 'm2m', '--state', join(dir, 'fifo.json')], /is a named pipe \(FIFO\)/],
  ['create-client: a directory as the state file', (_id, dir) => ['create-client', '--preset', 'm2m', '--state', join(dir, 'a-directory')], /is a directory, not a regular file/],
  ['status: a device as the state file', () => ['status', '--state', '/dev/null'], /is a device, not a regular file/],
];

describe('hostile input (moto): exit 2, one sentence, zero AWS requests', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-hostile-'));
    execFileSync('mkfifo', [join(dir, 'fifo.json')]);
    mkdirSync(join(dir, 'a-directory'));
  });

  it.concurrent.for(HOSTILE)('%s', async ([, args, sentence], { task }) => {
    const r = await runCli(args(clientId, dir), { endpoint: moto.endpoint, cwd, input: 'Corr3ctHorse\n', timeoutMs: 15_000 });
    record(task, { badInputs: 1, badInputsHandled: r.code === 2 && r.requests.length === 0 ? 1 : 0 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.requests.map((q) => q.operation)).toEqual([]);
    expect(r.stderr.split('\n')[0]).toMatch(sentence);
  });
});

describe('a killed state write leaves no temporary file for ever', () => {
  it('the next write removes a temporary file of a dead process beside the state file (and keeps other files)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-tmp-'));
    writeFileSync(join(dir, 'mcp-cognito.json'), JSON.stringify({ version: 1, region: 'us-east-1' }));
    // What a write killed between its temporary file and the rename leaves (pid 2147483646: no such process).
    writeFileSync(join(dir, 'mcp-cognito.json.2147483646.0a1b2c3d.tmp'), '{"version":1');
    writeFileSync(join(dir, 'notes.tmp'), 'mine');
    const r = await runCli(['init-pool', '--pool-name', 'tmp-sweep', '--yes', '--json'], { endpoint: moto.endpoint, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['mcp-cognito.json', 'notes.tmp']);
  });
});
