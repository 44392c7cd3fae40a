#!/usr/bin/env node
// `init --no-input` on an existing pool and gateway, against the local emulator, compared with the
// same work done by the `aws` CLI steps of the public walkthrough "Connecting Microsoft Copilot Studio
// to an AWS Bedrock AgentCore Gateway" (mr70.eu, 2026): find the pool's domain, create the domain, the resource server and the
// Copilot Studio client, read the gateway and send it back with the new client allowed.
// Each run starts from a fresh emulator state (reset + seed). Prints medians and the ratio.
// Target: init takes at most a third of the aws CLI's time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startMoto } from './moto.mjs';
import { emulatorEnv, seedSample, SAMPLE_REGION } from './sandbox.mjs';

const RUNS = Number(process.env.BENCH_INIT_RUNS ?? 5);
const bin = join(repoRoot, 'bin', 'mcp-cognito.js');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => `${ms.toFixed(0).padStart(6)} ms`;

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}
const timed = (fn) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

if (spawnSync('aws', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.log('bench-init: the aws CLI is not installed; skipping the init-vs-aws-CLI comparison.');
  process.exit(0);
}

const moto = await startMoto();
const scratch = mkdtempSync(join(tmpdir(), 'mcp-cognito-bench-init-'));
try {
  // aws CLI v1 fetches any parameter value that starts with https:// (cli_follow_urlparam): turn
  // that off, so the callback URL is sent as text and nothing leaves the loopback interface.
  const config = join(scratch, 'aws-config');
  writeFileSync(config, '[default]\ncli_follow_urlparam = false\n');
  const env = { ...emulatorEnv(moto.endpoint), CI: 'true', NO_COLOR: '1', AWS_PAGER: '', AWS_DEFAULT_OUTPUT: 'json', AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'aws-credentials'), HOME: scratch };
  const aws = (...args) => JSON.parse(run('aws', [...args, '--region', SAMPLE_REGION, '--endpoint-url', moto.endpoint, '--output', 'json'], { env }) || '{}');

  /** The guide's steps with the aws CLI, as a person (or a shell script) would run them. */
  function awsSteps(seed, i) {
    const pool = aws('cognito-idp', 'describe-user-pool', '--user-pool-id', seed.poolId).UserPool;
    const domain = pool.Domain ?? `bench-aws-${i}`;
    if (!pool.Domain) {
      aws('cognito-idp', 'create-user-pool-domain', '--user-pool-id', seed.poolId, '--domain', domain);
      aws('cognito-idp', 'describe-user-pool-domain', '--domain', domain);
    }
    aws('cognito-idp', 'create-resource-server', '--user-pool-id', seed.poolId, '--identifier', 'mcp', '--name', 'MCP Server Access', '--scopes', JSON.stringify([{ ScopeName: 'invoke', ScopeDescription: 'Invoke MCP server tools' }]));
    const client = aws(
      'cognito-idp', 'create-user-pool-client', '--user-pool-id', seed.poolId, '--client-name', 'copilot-studio-mcp', '--generate-secret',
      '--allowed-o-auth-flows', 'code', '--allowed-o-auth-scopes', 'openid', 'email', 'profile', 'mcp/invoke', '--allowed-o-auth-flows-user-pool-client',
      '--supported-identity-providers', 'COGNITO', '--callback-urls', '["https://placeholder.example.com"]',
    ).UserPoolClient;
    const gw = aws('bedrock-agentcore-control', 'get-gateway', '--gateway-identifier', seed.gatewayId);
    const jwt = gw.authorizerConfiguration.customJWTAuthorizer;
    const mcp = gw.protocolConfiguration?.mcp ?? {};
    aws(
      'bedrock-agentcore-control', 'update-gateway', '--gateway-identifier', seed.gatewayId, '--name', gw.name, '--role-arn', gw.roleArn, '--authorizer-type', 'CUSTOM_JWT',
      '--protocol-type', gw.protocolType ?? 'MCP',
      '--protocol-configuration', JSON.stringify({ mcp: { ...mcp, supportedVersions: [...new Set([...(mcp.supportedVersions ?? []), '2025-03-26'])] } }),
      '--authorizer-configuration', JSON.stringify({ customJWTAuthorizer: { ...jwt, allowedClients: [...jwt.allowedClients, client.ClientId] } }),
    );
  }

  const cli = { init: [], initNoDoctor: [], aws: [] };
  const fresh = async () => {
    await moto.reset();
    return seedSample(moto.endpoint);
  };
  for (let i = 0; i < RUNS + 1; i++) {
    // The first round warms the file cache and the emulator; it is not counted.
    const keep = i > 0;
    for (const [key, extra] of [['init', []], ['initNoDoctor', ['--no-doctor']]]) {
      const seed = await fresh();
      const cwd = mkdtempSync(join(tmpdir(), 'mcp-cognito-bench-init-'));
      const ms = timed(() => run(process.execPath, [bin, 'init', '--no-input', '--yes', '--no-wait', '--json', '--gateway-id', seed.gatewayId, ...extra], { cwd, env }));
      rmSync(cwd, { recursive: true, force: true });
      if (keep) cli[key].push(ms);
    }
    const seed = await fresh();
    const ms = timed(() => awsSteps(seed, i));
    if (keep) cli.aws.push(ms);
  }

  const a = median(cli.aws);
  const rows = [
    ['mcp-cognito init --no-input --yes --no-wait --gateway-id …', median(cli.init)],
    ['  the same with --no-doctor (the steps only)', median(cli.initNoDoctor)],
    ['aws CLI: the walkthrough\'s 7 calls (describe-user-pool … update-gateway)', a],
  ];
  console.log(`init on an existing pool and gateway vs the aws CLI (moto on 127.0.0.1; median of ${RUNS} runs, fresh state each; Node ${process.version})`);
  for (const [label, ms] of rows) console.log(`  ${label.padEnd(70)} ${fmt(ms)}${ms === a ? '' : `   ${(ms / a).toFixed(2)}x aws`}`);
  const ratio = median(cli.init) / a;
  console.log(`  target: init at most 1/3 of the aws CLI's time → ${ratio <= 1 / 3 ? 'met' : 'NOT met'} (${(ratio * 100).toFixed(0)}%)`);
} finally {
  await moto.stop();
  rmSync(scratch, { recursive: true, force: true });
}
