/**
 * `doctor --offline [--error <text>]` runs before commander loads (src/commands/doctor-offline.ts).
 * It must print, on stdout and stderr, exactly what the commander command prints, for every shape
 * it takes; every other shape goes to commander.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { run } from '../../src/program.js';
import { doctorOffline } from '../../src/commands/doctor-offline.js';
import { CaptureStream } from './helpers.js';

async function printed(entry: typeof main, args: string[], env: NodeJS.ProcessEnv = {}, tty = false): Promise<[number, string, string]> {
  const stdout = new CaptureStream(tty);
  const stderr = new CaptureStream(tty);
  const code = await entry(['node', 'mcp-cognito', ...args], { stdout, stderr, env, aws: {} });
  return [code, stdout.text(), stderr.text()];
}

const TAKEN = [
  ['doctor', '--offline'],
  ['doctor', '--offline', '--json'],
  ['doctor', '--offline', '--verbose', '--no-color'],
  ['doctor', '--error', 'insufficient_scope', '--offline'],
  ['doctor', '--offline', '--error=redirect_mismatch'],
  ['doctor', '--offline', '--error', 'https://x.auth.eu-west-1.amazoncognito.com/error?error=redirect_mismatch&client_id=abc'],
  ['doctor', '--offline', '--error', 'invalid_client', '--json'],
  ['doctor', '--offline', '--error', 'the weather is nice'],
  ['doctor', '--offline', '--error', 'unsupported_grant_type', '--verbose'],
  ['doctor', '--offline', '--error', '{"error":"invalid_grant","error_description":"Invalid authorization code"}', '--no-color'],
];

describe('doctor --offline without commander', () => {
  it.each(TAKEN)('%s … prints what the commander command prints', async (...args: string[]) => {
    expect(await doctorOffline(args.slice(1), { stdout: new CaptureStream(), stderr: new CaptureStream(), env: {} })).toBe(0);
    for (const tty of [false, true]) {
      const ours = await printed(main, args, {}, tty);
      expect(ours).toEqual(await printed(run, args, {}, tty));
      expect(ours[1].length).toBeGreaterThan(50);
    }
  });

  it.each([
    [['--offline', '--error']],
    [['--offline', '--error', '']],
    [['--offline', '--error', '  ']],
    [['--offline', '--error', '--json']],
    [['--offline', '--error', 'a', '--error', 'b']],
    [['--offline', '--offline']],
    [['--offline', '--client-id', 'client1234567890']],
    [['--offline', '--token', 'x']],
    [['--offline', '--region', 'us-east-1']],
    [['--offline', '--dry-run']],
    [['--offline', '--debug']],
    [['--error', 'insufficient_scope']],
    [[]],
    [['--offline', 'extra']],
  ])('%j goes to commander', async (args) => {
    expect(await doctorOffline(args, { env: {} })).toBeUndefined();
  });

  it('AWS_PROFILE and AWS_ENDPOINT_URL that are not plainly valid go to commander, which checks them', async () => {
    expect(await doctorOffline(['--offline'], { env: { AWS_PROFILE: 'bad\u0007profile' } })).toBeUndefined();
    expect(await doctorOffline(['--offline'], { env: { AWS_PROFILE: '' } })).toBeUndefined();
    expect(await doctorOffline(['--offline'], { env: { AWS_ENDPOINT_URL: 'ftp://x' } })).toBeUndefined();
    const bad = await printed(main, ['doctor', '--offline'], { AWS_ENDPOINT_URL: 'ftp://x' });
    expect(bad[0]).toBe(2);
    expect(bad).toEqual(await printed(run, ['doctor', '--offline'], { AWS_ENDPOINT_URL: 'ftp://x' }));
    const fine = { AWS_PROFILE: 'dev', AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' };
    expect(await doctorOffline(['--offline'], { env: fine, stdout: new CaptureStream(), stderr: new CaptureStream() })).toBe(0);
    expect(await printed(main, ['doctor', '--offline'], fine)).toEqual(await printed(run, ['doctor', '--offline'], fine));
  });
});
