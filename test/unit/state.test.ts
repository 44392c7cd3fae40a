import { linkSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/lib/errors.js';
import { StateStore } from '../../src/lib/state.js';
import { testCtx } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mcp-cognito-state-'));
const POOL = 'us-east-1_AbC123xyz';

function errorOf(fn: () => unknown): CliError {
  try {
    fn();
  } catch (e) {
    return e as CliError;
  }
  throw new Error('expected an error');
}

describe('StateStore', () => {
  it('an absent file reads as an empty version-1 state and is not created by reading', () => {
    const dir = tmp();
    const s = new StateStore(join(dir, 'mcp-cognito.json'));
    expect(s.get()).toEqual({ version: 1 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('update merges and writes the contract\'s shape; a new store reads it back', () => {
    const path = join(tmp(), 'mcp-cognito.json');
    const s = new StateStore(path);
    s.update({ region: 'us-east-1', userPoolId: POOL });
    s.update({ domain: 'p-x1', resourceServer: { identifier: 'mcp', scopes: ['invoke'] } });
    s.upsertClient({ clientId: 'c1', name: 'copilot-studio-mcp', preset: 'copilot-studio' });
    s.upsertClient({ clientId: 'c2', name: 'mcp-agent-m2m', preset: 'm2m' });
    s.upsertClient({ clientId: 'c1', name: 'renamed', preset: 'copilot-studio' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      version: 1,
      region: 'us-east-1',
      userPoolId: POOL,
      domain: 'p-x1',
      resourceServer: { identifier: 'mcp', scopes: ['invoke'] },
      clients: [
        { clientId: 'c2', name: 'mcp-agent-m2m', preset: 'm2m' },
        { clientId: 'c1', name: 'renamed', preset: 'copilot-studio' },
      ],
    });
    expect(new StateStore(path).get().clients).toHaveLength(2);
  });

  it('a new client of a name already listed replaces the stale entry (a pool has one client per name)', () => {
    const path = join(tmp(), 'mcp-cognito.json');
    const s = new StateStore(path);
    s.upsertClient({ clientId: 'deleted1', name: 'copilot-studio-mcp', preset: 'copilot-studio' });
    s.upsertClient({ clientId: 'm1', name: 'mcp-agent-m2m', preset: 'm2m' });
    s.upsertClient({ clientId: 'new2', name: 'copilot-studio-mcp', preset: 'copilot-studio' });
    expect(new StateStore(path).get().clients).toEqual([
      { clientId: 'm1', name: 'mcp-agent-m2m', preset: 'm2m' },
      { clientId: 'new2', name: 'copilot-studio-mcp', preset: 'copilot-studio' },
    ]);
  });

  it('writes atomically: a new file is renamed over the old one, no temporary file is left', () => {
    const dir = tmp();
    const path = join(dir, 'mcp-cognito.json');
    const s = new StateStore(path);
    s.update({ region: 'us-east-1' });
    // A hard link keeps pointing at the old inode: an in-place write would change it, a rename does not.
    linkSync(path, join(dir, 'old-inode'));
    s.update({ userPoolId: POOL });
    expect(JSON.parse(readFileSync(join(dir, 'old-inode'), 'utf8'))).toEqual({ version: 1, region: 'us-east-1' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, region: 'us-east-1', userPoolId: POOL });
    expect(readdirSync(dir).sort()).toEqual(['mcp-cognito.json', 'old-inode']);
  });

  it('never writes a secret, even when one is passed in', () => {
    const path = join(tmp(), 'mcp-cognito.json');
    const s = new StateStore(path);
    s.update({ userPoolId: POOL, clientSecret: 'sekrit-1', accessToken: 'tok-1' } as never);
    s.upsertClient({ clientId: 'c1', name: 'n', preset: 'm2m', clientSecret: 'sekrit-2', ClientSecret: 'sekrit-3' } as never);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toMatch(/sekrit|tok-1|secret|token/i);
    expect(JSON.parse(text)).toEqual({ version: 1, userPoolId: POOL, clients: [{ clientId: 'c1', name: 'n', preset: 'm2m' }] });
  });

  it('a corrupt file is an INVALID_INPUT error (exit 2) naming the file, not a crash', () => {
    const path = join(tmp(), 'mcp-cognito.json');
    writeFileSync(path, '{"version": 1, "region": ');
    const err = errorOf(() => new StateStore(path).get());
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ code: 'INVALID_INPUT', exit: 2 });
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/not valid JSON/);
    expect(err.hint).toContain('--state');
  });

  it.each([
    ['a package.json', { name: 'my-app', version: '1.0.0' }],
    ['an array', []],
    ['a future version', { version: 2, userPoolId: POOL }],
    ['a wrong type', { version: 1, clients: 'c1' }],
    ['an unknown preset', { version: 1, clients: [{ clientId: 'c', name: 'n', preset: 'mobile' }] }],
  ])('a foreign file (%s) is an error (exit 2) naming the file', (_what, content) => {
    const path = join(tmp(), 'state.json');
    writeFileSync(path, JSON.stringify(content));
    const err = errorOf(() => new StateStore(path).get());
    expect(err).toMatchObject({ code: 'INVALID_INPUT', exit: 2 });
    expect(err.message).toContain(path);
    expect(err.message).toContain('not an mcp-cognito state file');
  });

  it('a corrupt state file stops a command before any AWS call (through the Ctx)', async () => {
    const t = testCtx({}, { state: 'not json', env: {} });
    await expect(t.ctx.region()).rejects.toMatchObject({ exit: 2, message: expect.stringContaining(t.statePath) });
    await expect(t.ctx.poolId(undefined)).rejects.toMatchObject({ exit: 2 });
  });
});

describe('a state file that cannot be written', () => {
  it('is refused before the command calls AWS (exit 2)', async () => {
    const { main } = await import('../../src/cli.js');
    const out: string[] = [];
    const sink = { write: (s: string) => (out.push(s), true), isTTY: false } as unknown as NodeJS.WritableStream;
    const aws = { cognito: () => Promise.reject(new Error('no AWS call expected')) };
    const state = '/nonexistent-dir-mcp-cognito/state.json';
    const code = await main(['node', 'mcp-cognito', 'init-pool', '--state', state, '--region', 'us-east-1', '--json'], { stdout: sink, stderr: sink, env: {}, stdinIsTTY: false, aws: aws as never });
    expect(code).toBe(2);
    expect(JSON.parse(out.join(''))).toMatchObject({ success: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining(state) } });
    expect(() => new StateStore(join(mkdtempSync(join(tmpdir(), 'st-')), 'ok.json')).assertWritable()).not.toThrow();
    expect(() => new StateStore(state).assertWritable()).toThrow(CliError);
  });
});
