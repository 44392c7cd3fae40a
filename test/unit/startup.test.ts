/**
 * `--help`, `--version` and `doctor --offline` must never evaluate the AWS SDK. Inside the one
 * bundled file, a module reached only through dynamic import() is initialised only when that
 * import runs; so the SDK must be unreachable from src/cli.ts through static imports alone.
 */
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

async function staticClosure(): Promise<{ reachable: Set<string>; meta: Metafile }> {
  const r = await build({ entryPoints: ['src/cli.ts'], bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', outfile: 'x.mjs', logLevel: 'silent' });
  const meta = r.metafile;
  const reachable = new Set<string>(['src/cli.ts']);
  const queue = ['src/cli.ts'];
  while (queue.length) {
    const file = queue.pop()!;
    for (const imp of meta.inputs[file]?.imports ?? []) {
      if (imp.kind === 'dynamic-import' || imp.external) continue;
      if (!reachable.has(imp.path)) {
        reachable.add(imp.path);
        queue.push(imp.path);
      }
    }
  }
  return { reachable, meta };
}

describe('start-up stays light', () => {
  it('the AWS SDK (and @inquirer/prompts) are reachable from src/cli.ts only through dynamic import()', async () => {
    const { reachable, meta } = await staticClosure();
    const heavy = [...reachable].filter((p) => /node_modules\/(@aws-sdk|@smithy|@aws-crypto|@inquirer)\//.test(p));
    expect(heavy).toEqual([]);
    // …and they are in the bundle (so the check above is not vacuous).
    expect(Object.keys(meta.inputs).some((p) => p.includes('node_modules/@aws-sdk/client-cognito-identity-provider/'))).toBe(true);
    expect(Object.keys(meta.inputs).some((p) => p.includes('node_modules/@aws-sdk/client-bedrock-agentcore-control/'))).toBe(true);
  }, 60_000);

  it('full zod is not used (zod/mini only): it costs ~100 ms of start-up', async () => {
    const { reachable } = await staticClosure();
    expect([...reachable].filter((p) => /node_modules\/zod\/v4\/classic\//.test(p))).toEqual([]);
  }, 60_000);
});
