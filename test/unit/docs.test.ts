/**
 * docs/troubleshooting.md and the README's troubleshooting section are generated from the doctor's
 * catalogue (`npm run docs`). These tests fail when either is out of date, when the catalogue's
 * internal row codes leak into them, and when a link points nowhere.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/doctor/catalogue.js';
import { README_END, README_START, TROUBLESHOOTING_PATH, anchorOf, renderReadmeSection, renderTroubleshooting, splitCommands } from '../../scripts/troubleshooting-doc.js';

const STALE = 'out of date: run `npm run docs` (it is generated from src/doctor/catalogue.ts) and commit the result';
const doc = readFileSync(TROUBLESHOOTING_PATH, 'utf8');
const readme = readFileSync('README.md', 'utf8');
const readmeSection = readme.slice(readme.indexOf(README_START), readme.indexOf(README_END) + README_END.length);

/** Every internal code: entry ids, catalogue rows, cause ids. */
const CODES = [...new Set(CATALOGUE.flatMap((e) => [e.id, ...e.rows, ...e.causes.map((c) => c.id)]))];
const headings = new Set([...doc.matchAll(/^#{2,3} (.+)$/gm)].map((m) => anchorOf(m[1]!.replace(/\\\*/g, '*').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'))));
/** The text without link targets (anchors are made from titles, not codes). */
const prose = (s: string) => s.replace(/\]\([^)]*\)/g, ']');

describe('docs/troubleshooting.md', () => {
  it('is up to date with the catalogue', () => {
    expect(doc === renderTroubleshooting(), `${TROUBLESHOOTING_PATH} is ${STALE}`).toBe(true);
  });

  it('has every symptom (as a heading), what users see, and every cause with its fix', () => {
    for (const e of CATALOGUE) {
      expect(headings.has(anchorOf(e.title)), e.title).toBe(true);
      for (const s of e.strings) expect(doc, e.title).toContain(s);
      // Each cause has an mcp-cognito command (Fix) or, where no command does it, what to do.
      expect(doc.match(/^\s+- (Fix|What to do): /gm)!.length).toBe(CATALOGUE.reduce((n, x) => n + x.causes.length, 0));
    }
  });

  it('speaks plain words: no internal row codes, no references to documents outside the repository', () => {
    for (const code of CODES) expect(prose(doc), code).not.toMatch(new RegExp(`\\b${code}\\b`));
    expect(doc).not.toMatch(/the guide|Step \d|original table|\[[CR?]\]/i);
  });

  it('links only to headings that exist', () => {
    const links = [...doc.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(CATALOGUE.length);
    expect(links.filter((a) => !headings.has(a))).toEqual([]);
  });
});

describe("README's troubleshooting section", () => {
  it('is up to date with the catalogue', () => {
    expect(readmeSection === renderReadmeSection(), `The troubleshooting section of README.md is ${STALE}`).toBe(true);
  });

  it('links into docs/troubleshooting.md, to headings that exist, without row codes', () => {
    const links = [...readmeSection.matchAll(/\]\(docs\/troubleshooting\.md#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThanOrEqual(5);
    expect(links.filter((a) => !headings.has(a))).toEqual([]);
    for (const code of CODES) expect(prose(readmeSection), code).not.toMatch(new RegExp(`\\b${code}\\b`));
  });
});

describe('commands inside sentences', () => {
  it.each([
    ['Fix it: mcp-cognito add-callback <url> --client-id <id>', ['Fix it: ', 'mcp-cognito add-callback <url> --client-id <id>', '']],
    ['Enable it (aws cognito-idp update-user-pool-client with the full configuration), or not', ['Enable it (', 'aws cognito-idp update-user-pool-client', ' with the full configuration), or not']],
    ['mcp-cognito init-pool --scope <scope>, then enable it', ['', 'mcp-cognito init-pool --scope <scope>', ', then enable it']],
    ['Add both actions to the gateway role', ['Add both actions to the gateway role']],
  ])('%s', (text, parts) => {
    expect(splitCommands(text)).toEqual(parts);
  });
});

describe('docs/iam.md', () => {
  const iam = readFileSync('docs/iam.md', 'utf8');
  /**
   * Every AWS API operation the CLI sends (SDK command classes and paginators under src/). The
   * façade's own code (src/facade/) runs as the deployed function under its execution role, not
   * with the operator's permissions, so it is not part of these policies.
   */
  const called = (() => {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
    const ops = new Set<string>();
    for (const f of files('src')) {
      if (f.startsWith(join('src', 'facade'))) continue;
      const text = readFileSync(f, 'utf8');
      // The modules that load an SDK client: by the package's name, or through src/aws/sdk/ (its operations by name).
      if (!/@aws-sdk\/|\.\/sdk\/[\w-]+\.js/.test(text)) continue;
      for (const m of text.matchAll(/(?:\bm\.|\bnew\s+)([A-Z]\w+)Command\b|\bpaginate([A-Z]\w+)\(/g)) ops.add(m[1] ?? m[2]!);
    }
    return ops;
  })();
  const everything = (() => {
    const block = /## Everything[\s\S]*?```json\n([\s\S]*?)```/.exec(iam)![1]!;
    return (JSON.parse(block) as { Statement: { Action: string[] }[] }).Statement.flatMap((s) => s.Action);
  })();

  it('names every AWS API operation the code calls, in the policy for everything', () => {
    expect(called.size).toBeGreaterThan(20);
    const listed = new Set(everything.map((a) => a.split(':')[1]));
    expect([...called].filter((op) => !listed.has(op)).sort(), 'operations called in src/ but missing from docs/iam.md').toEqual([]);
  });

  // iam:PassRole (UpdateGateway, CreateFunction) and the tag-on-create permissions (CreateRole, CreateFunction and PutParameter with Tags) are no operations of their own;
  // lambda:ListTags is what GetFunction needs to return the tags ("only if you have explicit allow permissions for lambda:ListTags", API_GetFunction).
  const IMPLIED = new Set(['iam:PassRole', 'iam:TagRole', 'lambda:TagResource', 'ssm:AddTagsToResource', 'lambda:ListTags']);
  it('lists no action the code does not call (besides iam:PassRole and the tag-on-create permissions)', () => {
    expect(everything.filter((a) => !IMPLIED.has(a) && !called.has(a.split(':')[1]!)), 'actions in docs/iam.md that nothing in src/ calls').toEqual([]);
  });

  it('has valid policy JSON everywhere', () => {
    const blocks = [...iam.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(7);
    for (const b of blocks) expect((JSON.parse(b) as { Version: string }).Version).toBe('2012-10-17');
  });
});
