// node scripts/bench-facade.mjs: the latency the OAuth façade's /mcp proxy adds to one MCP call on
// loopback. A stand-in gateway answers tools/list at once (JSON, then as an SSE stream, as the
// AgentCore Gateway does); the same calls are timed straight to it and through the façade's
// node:http adapter, sequentially over keep-alive connections, after a warm-up. Client, façade and
// gateway share this process (so the façade's work is on the same event loop as the client's: a
// conservative figure). This is a measurement, not a test; the target is ≤ 5 ms added at p50.
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const WARMUP = 300;

const dir = mkdtempSync(join(tmpdir(), 'facade-bench-'));
const entry = join(dir, 'entry.ts');
writeFileSync(entry, `export { createFacade } from ${JSON.stringify(fileURLToPath(new URL('../src/facade/index.ts', import.meta.url)))};\nexport { toNodeListener } from ${JSON.stringify(fileURLToPath(new URL('../src/facade/node.ts', import.meta.url)))};\n`);
await build({ entryPoints: [entry], outfile: join(dir, 'facade.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
const { createFacade, toNodeListener } = await import(pathToFileURL(join(dir, 'facade.mjs')).href);
rmSync(dir, { recursive: true, force: true });

const result = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'target___get_weather', description: 'Weather', inputSchema: { type: 'object' } }] } });
const gateway = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if ((req.headers.accept ?? '').includes('text/event-stream') && req.headers['x-bench-sse']) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 's-1' });
      res.end(`event: message\ndata: ${result}\n\n`);
    } else {
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 's-1' });
      res.end(result);
    }
  });
});
const listen = (server) => new Promise((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${server.address().port}`)));
const gatewayUrl = await listen(gateway);
const facadeServer = createServer();
const facadeUrl = await listen(facadeServer);
facadeServer.on('request', toNodeListener(createFacade({
  publicUrl: facadeUrl,
  cognito: { region: 'us-east-1', userPoolId: 'us-east-1_Bench0001', domainUrl: 'https://bench.auth.us-east-1.amazoncognito.com', clientId: 'benchclient' },
  gatewayUrl: `${gatewayUrl}/mcp`,
  signingKey: 'bench-signing-key-0123456789-abcdefghij',
})));

const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
async function call(url, sse) {
  const t = process.hrtime.bigint();
  const res = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.bench.sig', 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', ...(sse ? { 'x-bench-sse': '1' } : {}) },
    body,
  });
  await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
async function series(url, sse) {
  for (let i = 0; i < WARMUP; i++) await call(url, sse);
  const xs = [];
  for (let i = 0; i < CALLS; i++) xs.push(await call(url, sse));
  return xs;
}

const rows = [];
for (const sse of [false, true]) {
  // Interleave the two series twice so drift on a shared machine affects both alike.
  const direct = [...(await series(gatewayUrl, sse)), ...(await series(gatewayUrl, sse))];
  const via = [...(await series(facadeUrl, sse)), ...(await series(facadeUrl, sse))];
  const [d50, v50, d95, v95, d99, v99] = [pct(direct, 50), pct(via, 50), pct(direct, 95), pct(via, 95), pct(direct, 99), pct(via, 99)];
  rows.push({ kind: sse ? 'SSE response' : 'JSON response', d50, v50, d95, v95, d99, v99 });
}
gateway.close();
facadeServer.close();
gateway.closeAllConnections();
facadeServer.closeAllConnections();

const f = (ms) => `${ms.toFixed(2)} ms`;
console.log(`tools/list over loopback, ${CALLS * 2} sequential calls each (after ${WARMUP} warm-up), Node ${process.version}`);
for (const r of rows) {
  console.log(`${r.kind.padEnd(14)} direct p50 ${f(r.d50)}  via façade p50 ${f(r.v50)}  added p50 ${f(r.v50 - r.d50)}  | p95 ${f(r.d95)} → ${f(r.v95)}  | p99 ${f(r.d99)} → ${f(r.v99)}`);
}
