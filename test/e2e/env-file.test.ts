/**
 * --dotenv/--env-file through the built binary against moto: an existing file is never destroyed.
 */
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreateResourceServerCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { sdk, useMoto } from './moto';
import { runCli } from './run-cli';

const moto = useMoto();

async function setup(): Promise<string> {
  const { cognito } = sdk(moto.endpoint());
  const pool = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'mcp-gateway' }))).UserPool!;
  await cognito.send(new CreateResourceServerCommand({ UserPoolId: pool.Id, Identifier: 'mcp', Name: 'MCP', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke' }] }));
  const cwd = mkdtempSync(join(tmpdir(), 'mcp-cognito-env-file-'));
  writeFileSync(join(cwd, 'mcp-cognito.json'), JSON.stringify({ version: 1, region: 'us-east-1', userPoolId: pool.Id }));
  return cwd;
}

describe('--dotenv into an existing file (moto)', () => {
  it('a dotenv file keeps every other line and comment, ends up 0600, and the output says which keys changed', async () => {
    const cwd = await setup();
    const env = join(cwd, '.env');
    const mine = '# my service\nPORT=3000\nexport DATABASE_URL="postgres://u:p@db/app"\n\nCOGNITO_CLIENT_ID=from-an-old-client\n';
    writeFileSync(env, mine);
    chmodSync(env, 0o644);
    const r = await runCli(['create-client', '--preset', 'm2m', '--dotenv', '.env', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json<{ clientId: string; clientSecret: string; envFileChanges: unknown }>();
    const text = readFileSync(env, 'utf8');
    expect(text.startsWith('# my service\nPORT=3000\nexport DATABASE_URL="postgres://u:p@db/app"\n\n')).toBe(true);
    expect(text).toContain(`COGNITO_CLIENT_ID=${doc.clientId}\n`);
    expect(text).not.toContain('from-an-old-client');
    expect(text).toContain(`COGNITO_CLIENT_SECRET=${doc.clientSecret}\n`);
    expect(statSync(env).mode & 0o777).toBe(0o600);
    expect(doc.envFileChanges).toEqual({
      created: false,
      added: ['COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_SECRET', 'COGNITO_ISSUER', 'COGNITO_SCOPES'],
      updated: ['COGNITO_CLIENT_ID'],
      removed: [],
      unchanged: [],
      keptLines: 4,
      modeBefore: '0644',
    });
  });

  it('a file that is not a dotenv file: exit 2 before any AWS request, the file untouched; --force-env-file adds the keys and keeps every line', async () => {
    const cwd = await setup();
    const file = join(cwd, 'package.json');
    const json = '{\n  "name": "my-app",\n  "version": "1.0.0"\n}\n';
    writeFileSync(file, json);
    const refused = await runCli(['create-client', '--preset', 'm2m', '--dotenv', 'package.json'], { endpoint: moto.endpoint(), cwd });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.requests).toEqual([]);
    expect(refused.stderr).toContain('--dotenv "package.json" does not look like a dotenv file: line 1 ("{") is neither KEY=value nor a comment.');
    expect(refused.stderr).toContain('--force-env-file');
    expect(readFileSync(file, 'utf8')).toBe(json);

    const forced = await runCli(['create-client', '--preset', 'm2m', '--dotenv', 'package.json', '--force-env-file'], { endpoint: moto.endpoint(), cwd });
    expect(forced.code, forced.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(json)).toBe(true);
    expect(text).toMatch(/\nCOGNITO_CLIENT_ID=\w+\n/);
    expect(forced.stderr).toContain('Updated package.json: added COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET, COGNITO_ISSUER, COGNITO_SCOPES; kept the other 4 lines; mode tightened from 0644 to 0600');
  });
});
