// Bundles the OAuth façade's Lambda entry (src/facade/lambda-main.ts) into one ES module,
// dist/facade-lambda.mjs, which `facade deploy` zips as the function's code. The AWS SDK stays
// external: the Lambda Node.js runtime provides SDK v3, and the façade only loads the SSM client at
// cold start. Run directly (`node scripts/build-facade.mjs`) it prints the bundle's size.
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const FACADE_BUNDLE = fileURLToPath(new URL('../dist/facade-lambda.mjs', import.meta.url));

export async function buildFacade() {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../src/facade/lambda-main.ts', import.meta.url))],
    write: false,
    outfile: FACADE_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['@aws-sdk/*'],
    minify: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].contents;
  mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
  const tmp = `${FACADE_BUNDLE}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, FACADE_BUNDLE);
  return { bytes: code.byteLength, gzipBytes: gzipSync(code).byteLength };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { bytes, gzipBytes } = await buildFacade();
  console.log(`dist/facade-lambda.mjs: ${(bytes / 1024).toFixed(1)} KiB (${(gzipBytes / 1024).toFixed(1)} KiB gzipped)`);
}
