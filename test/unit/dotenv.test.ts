import { chmodSync, existsSync, linkSync, lstatSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, CliError, InputError } from '../../src/lib/errors.js';
import { checkDotenvPath, confirmDotenvTarget, describeDotenvWrite, dotenvProblem, mergeDotenv, writeDotenv } from '../../src/lib/dotenv.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mcp-cognito-dotenv-'));
const SECRET = 'sekr1t0abcdefghijklmnopqrstuvwxyz0123456789abcdefgh';
const VALUES = { COGNITO_CLIENT_ID: 'client123', COGNITO_CLIENT_SECRET: SECRET, COGNITO_SCOPES: 'mcp/invoke mcp/read', COGNITO_AUTHORIZATION_URL: undefined };

describe('mergeDotenv', () => {
  it('sets our keys in place, appends the new ones, keeps every other line byte for byte', () => {
    const before = [
      '# my app',
      'DATABASE_URL="postgres://u:p@db/app"  ',
      '',
      'export COGNITO_CLIENT_ID=oldclient',
      "MULTI='line one",
      'line two',
      "COGNITO_CLIENT_ID=not-a-key-this-is-inside-a-quoted-value'",
      '   # indented comment',
      'EMPTY=',
      '',
    ].join('\n');
    const r = mergeDotenv(before, VALUES);
    expect(r.text).toBe(
      [
        '# my app',
        'DATABASE_URL="postgres://u:p@db/app"  ',
        '',
        'export COGNITO_CLIENT_ID=client123',
        "MULTI='line one",
        'line two',
        "COGNITO_CLIENT_ID=not-a-key-this-is-inside-a-quoted-value'",
        '   # indented comment',
        'EMPTY=',
        `COGNITO_CLIENT_SECRET=${SECRET}`,
        'COGNITO_SCOPES="mcp/invoke mcp/read"',
        '',
      ].join('\n'),
    );
    expect(r).toMatchObject({ added: ['COGNITO_CLIENT_SECRET', 'COGNITO_SCOPES'], updated: ['COGNITO_CLIENT_ID'], removed: [], unchanged: [] });
  });

  it('a key without a value is removed (it belonged to another client); a later duplicate of ours is dropped', () => {
    const r = mergeDotenv('COGNITO_AUTHORIZATION_URL=https://old\nA=1\nCOGNITO_CLIENT_ID=client123\nCOGNITO_CLIENT_ID=shadow\n', VALUES);
    expect(r.text).toBe(`A=1\nCOGNITO_CLIENT_ID=client123\nCOGNITO_CLIENT_SECRET=${SECRET}\nCOGNITO_SCOPES="mcp/invoke mcp/read"\n`);
    expect(r.removed).toEqual(['COGNITO_AUTHORIZATION_URL']);
    expect(r.updated).toEqual(['COGNITO_CLIENT_ID']);
  });

  it('a value already there (quoted or not) is left as written and reported unchanged; a second run changes nothing', () => {
    const first = mergeDotenv('', VALUES).text;
    const again = mergeDotenv(first, VALUES);
    expect(again.text).toBe(first);
    expect(again).toMatchObject({ added: [], updated: [], removed: [], unchanged: ['COGNITO_CLIENT_ID', 'COGNITO_CLIENT_SECRET', 'COGNITO_SCOPES'] });
    expect(mergeDotenv("COGNITO_SCOPES='mcp/invoke mcp/read' # scopes\n", { COGNITO_SCOPES: 'mcp/invoke mcp/read' }).unchanged).toEqual(['COGNITO_SCOPES']);
  });

  it('keeps CRLF line endings, a byte-order mark and a missing final newline', () => {
    expect(mergeDotenv('\uFEFFA=1\r\nB=2', { C: '3' }).text).toBe('\uFEFFA=1\r\nB=2\r\nC=3\r\n');
    expect(mergeDotenv('A=1\r\nC=2\r\n', { C: '3' }).text).toBe('A=1\r\nC=3\r\n');
  });

  it('a header comment only for a new (empty) file', () => {
    expect(mergeDotenv('', { A: '1' }, '# hdr').text).toBe('# hdr\nA=1\n');
    expect(mergeDotenv('B=2\n', { A: '1' }, '# hdr').text).toBe('B=2\nA=1\n');
  });
});

describe('dotenvProblem: is this a dotenv file?', () => {
  it.each([
    ['empty', ''],
    ['comments and blanks', '# x\n\n  # y\n'],
    ['KEY=value, export, spaces around =, quoted and multi-line values', 'A=1\nexport B = "two"\nC=\'3\'\nD="line1\nline2"\nE=`x`\nF.G-H=1\n'],
  ])('%s is one', (_what, text) => {
    expect(dotenvProblem(text)).toBeUndefined();
  });
  it.each([
    ['JSON', '{\n  "name": "my-app"\n}\n', /line 1 \("\{"\) is neither KEY=value nor a comment/],
    ['a shell script', 'A=1\nif [ -n "$A" ]; then echo hi; fi\n', /line 2/],
    ['YAML', 'key: value\n', /line 1/],
    ['a binary file', 'A=1\u0000\u0001', /NUL bytes/],
    ['an unclosed quote', 'A="open\nB=2\n', /quoted value of A on line 1 is never closed/],
  ])('%s is not', (_what, text, why) => {
    expect(dotenvProblem(text)).toMatch(why);
  });
});

describe('writeDotenv', () => {
  const umask = process.umask();
  afterEach(() => void process.umask(umask));

  it('into an existing world-readable file: other lines kept, 0600, the old inode never holds the secret, no temporary file left', () => {
    const dir = tmp();
    const path = join(dir, '.env');
    writeFileSync(path, '# app\nPORT=3000\nCOGNITO_CLIENT_ID=old\n');
    chmodSync(path, 0o644);
    linkSync(path, join(dir, 'old-inode'));
    const r = writeDotenv(path, VALUES);
    expect(readFileSync(path, 'utf8')).toBe(`# app\nPORT=3000\nCOGNITO_CLIENT_ID=client123\nCOGNITO_CLIENT_SECRET=${SECRET}\nCOGNITO_SCOPES="mcp/invoke mcp/read"\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'old-inode'), 'utf8')).not.toContain(SECRET);
    expect(readdirSync(dir).sort()).toEqual(['.env', 'old-inode']);
    expect(r).toMatchObject({ created: false, added: ['COGNITO_CLIENT_SECRET', 'COGNITO_SCOPES'], updated: ['COGNITO_CLIENT_ID'], keptLines: 2, tightenedFrom: 0o644 });
    expect(describeDotenvWrite(r)).toBe(`Updated ${path}: added COGNITO_CLIENT_SECRET, COGNITO_SCOPES; changed COGNITO_CLIENT_ID; kept the other 2 lines; mode tightened from 0644 to 0600`);
  });

  it('a new file is created 0600 even with a permissive umask', () => {
    process.umask(0);
    const path = join(tmp(), 'agent.env');
    const r = writeDotenv(path, VALUES, { header: '# agent' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^# agent\nCOGNITO_CLIENT_ID=client123\n/);
    expect(describeDotenvWrite(r)).toBe(`Wrote COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET, COGNITO_SCOPES to ${path} (new file, mode 0600)`);
  });

  it('a symbolic link is written through to its target and stays a link', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'real.env'), 'KEEP=1\n');
    symlinkSync('real.env', join(dir, '.env'));
    writeDotenv(join(dir, '.env'), VALUES);
    expect(lstatSync(join(dir, '.env')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real.env'), 'utf8')).toMatch(/^KEEP=1\nCOGNITO_CLIENT_ID=client123\n/);
  });

  it('a file that is not a dotenv file is refused and left untouched; allowed, every line of it is kept', () => {
    const path = join(tmp(), 'package.json');
    const json = '{\n  "name": "my-app"\n}\n';
    writeFileSync(path, json);
    let err: unknown;
    try {
      writeDotenv(path, VALUES);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ exit: 2, message: expect.stringContaining('does not look like a dotenv file') });
    expect(readFileSync(path, 'utf8')).toBe(json);
    writeDotenv(path, VALUES, { allowForeign: true });
    expect(readFileSync(path, 'utf8').startsWith(json)).toBe(true);
  });
});

describe('before any AWS call', () => {
  const ui = (answers: boolean[] | undefined) => ({
    canPrompt: answers !== undefined,
    asked: [] as string[],
    prompt: {
      confirm(o: { message: string }) {
        (this as unknown as { asked?: string[] }).asked?.push(o.message);
        return Promise.resolve(answers!.shift()!);
      },
    },
  });

  it('a foreign file without a terminal: exit 2, the flag and the fix in the message', async () => {
    const path = join(tmp(), 'notes.txt');
    writeFileSync(path, 'remember the milk\n');
    const err = await confirmDotenvTarget(path, '--dotenv', ui(undefined), false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe(`--dotenv "${path}" does not look like a dotenv file: line 1 ("remember the milk") is neither KEY=value nor a comment.`);
    expect((err as InputError).hint).toContain('--force-env-file');
    expect(await confirmDotenvTarget(path, '--dotenv', ui(undefined), true)).toBe(true);
  });

  it('on a terminal the person is asked; no is a cancellation', async () => {
    const path = join(tmp(), 'notes.txt');
    writeFileSync(path, 'remember the milk\n');
    expect(await confirmDotenvTarget(path, '--dotenv', ui([true]), false)).toBe(true);
    await expect(confirmDotenvTarget(path, '--dotenv', ui([false]), false)).rejects.toBeInstanceOf(CancelledError);
  });

  it('a dotenv file or no file at all needs no confirmation', async () => {
    const dir = tmp();
    writeFileSync(join(dir, '.env'), 'A=1\n');
    expect(await confirmDotenvTarget(join(dir, '.env'), '--dotenv', ui([]), false)).toBe(false);
    expect(await confirmDotenvTarget(join(dir, 'new.env'), '--dotenv', ui([]), false)).toBe(false);
    expect(existsSync(join(dir, 'new.env'))).toBe(false);
  });

  it('checkDotenvPath: control characters, a missing directory, a directory', () => {
    expect(() => checkDotenvPath('.env\n', '--dotenv')).toThrow(/--dotenv "\.env\\n" contains a control character/);
    expect(() => checkDotenvPath('/nonexistent-dir-mcp/x.env', '--env-file')).toThrow(/does not exist or is not writable/);
    expect(() => checkDotenvPath(tmpdir(), '--env-file')).toThrow(/not a regular file/);
  });
});
