/**
 * The layout holds: no module cycle in src/, and the lint rule that keeps dependencies pointing one
 * way (cli → commands → steps/doctor → domain/aws/lib) fails on a command importing a command.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/domain/presets.js';

const SRC = resolve('src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of a file (static, re-exports, dynamic, type-only too), resolved to .ts files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map((m) => m[1]!);
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

/** Every cycle's files (Tarjan's strongly connected components of more than one file, or a self-import). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.map((f) => relative(SRC, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe('architecture', () => {
  it('src/ has no module cycle', () => {
    const graph = new Map(sources(SRC).map((f) => [f, importsOf(f)]));
    expect(graph.size).toBeGreaterThan(30);
    expect(cycles(graph)).toEqual([]);
    // The check sees a cycle when there is one.
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c'].map((x) => relative(SRC, x)).sort()]);
  });

  it('lint fails on a command importing another command or src/cli.ts, and on a lower layer importing an upper one', async () => {
    const eslint = new ESLint();
    const lint = async (file: string, code: string) => (await eslint.lintText(code, { filePath: file }))[0]!.messages.filter((m) => m.ruleId === 'no-restricted-imports').length;
    expect(await lint('src/commands/add-callback.ts', "import { x } from './create-client.js';\nvoid x;\n")).toBe(1);
    expect(await lint('src/commands/add-callback.ts', "import type { Holder } from '../cli.js';\nexport type H = Holder;\n")).toBe(1);
    expect(await lint('src/commands/add-callback.ts', "import { COMMANDS } from '../spec.js';\nvoid COMMANDS;\n")).toBe(1);
    expect(await lint('src/commands/init/run.ts', "import { x } from '../create-client.js';\nvoid x;\n")).toBe(1);
    expect(await lint('src/commands/init/run.ts', "import { x } from './plan.js';\nimport { y } from '../../steps/client.js';\nvoid x;\nvoid y;\n")).toBe(0);
    expect(await lint('src/steps/client/create.ts', "import { x } from '../commands/create-client.js';\nvoid x;\n")).toBe(1);
    expect(await lint('src/lib/context.ts', "import { x } from '../steps/merge.js';\nvoid x;\n")).toBe(1);
    expect(await lint('src/domain/presets.ts', "import { x } from '../lib/validate.js';\nvoid x;\n")).toBe(1);
  }, 60_000);

  it('no file of src/ but the preset table spells a preset id as a string (code asks the preset, never compares its id)', () => {
    const TABLE = join(SRC, 'domain', 'presets.ts');
    const ids = PRESETS.join('|');
    // A preset id as a whole string literal: 'm2m', "web", `copilot-studio`.
    const literal = new RegExp(`(['"\`])(${ids})\\1`);
    const offenders = sources(SRC)
      .filter((f) => f !== TABLE)
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').flatMap((line, i) => (literal.test(line) ? [`${relative(SRC, f)}:${i + 1}: ${line.trim()}`] : [])));
    expect(offenders).toEqual([]);
    // The check sees one when there is one (and not an id inside a longer text).
    expect(literal.test("if (kind === 'm2m') {")).toBe(true);
    expect(literal.test('const COPILOT = "copilot-studio";')).toBe(true);
    expect(literal.test("fix: 'mcp-cognito create-client --preset m2m'")).toBe(false);
  });
});
