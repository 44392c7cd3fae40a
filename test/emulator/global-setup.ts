/**
 * vitest globalSetup: one moto server per vitest worker slot, shared by every test file that runs
 * in that slot (files in one slot run one after the other), instead of one moto per file.
 *
 * Vitest runs each test file in a fresh process, so a moto started by a file dies with it and the
 * next file pays moto's start (~1 s) and its first-request imports (~0.9 s) again. The slots' motos are
 * forked from one moto fork server, which pays those once. This setup runs
 * in vitest's main process and serves a tiny broker on 127.0.0.1: `GET /moto/<slot>` starts (once,
 * lazily: runs without e2e files start nothing) the moto of that slot (warmed up) and answers its
 * endpoint. test/e2e/moto.ts asks the broker for the slot `VITEST_POOL_ID` and resets moto before
 * the file (and before each test); without this setup it starts its own moto per file.
 *
 * Wire it in vitest.config.ts: `globalSetup: ['test/emulator/global-setup.ts']`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startMoto, startZygote, type Moto, type MotoZygote } from '../../scripts/moto.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the moto broker (global-setup.ts), when it runs. */
    motoBroker: string;
  }
}

/** Loads moto's cognito-idp and bedrock-agentcore-control backends (their first request costs ~0.5 s each). */
async function warm(endpoint: string): Promise<void> {
  const hdr = { 'content-type': 'application/x-amz-json-1.1', authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=0' };
  await Promise.all([
    fetch(`${endpoint}/`, { method: 'POST', headers: { ...hdr, 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUserPools' }, body: '{"MaxResults":1}' }).then((r) => r.arrayBuffer()),
    fetch(`${endpoint}/gateways/?maxResults=1`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/bedrock-agentcore/aws4_request, SignedHeaders=host, Signature=0' } }).then((r) => r.arrayBuffer()),
  ]).catch(() => undefined);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const motos = new Map<string, Promise<Moto>>();
  // One moto fork server for the slots (scripts/moto.mjs startZygote): moto's imports and the services' models are
  // loaded once instead of once per slot (~1 s of CPU each). Without it (it did not come up), each slot starts its own.
  let zygote: Promise<MotoZygote | undefined> | undefined;
  // A forked server has the services loaded already; one started on its own is warmed up first.
  const newMoto = async (): Promise<Moto> => {
    zygote ??= startZygote().catch(() => undefined);
    const z = await zygote;
    if (z) {
      try {
        return await z.start();
      } catch {
        // This server did not come up (its port was taken meanwhile): start one of its own.
      }
    }
    const moto = await startMoto();
    await warm(moto.endpoint);
    return moto;
  };
  const server = createServer((req, res) => {
    const slot = /^\/moto\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    if (!slot) {
      res.writeHead(404).end();
      return;
    }
    let m = motos.get(slot);
    if (!m) {
      m = newMoto();
      m.catch(() => motos.delete(slot));
      motos.set(slot, m);
    }
    m.then(
      (moto) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ endpoint: moto.endpoint })),
      (e: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(e.message),
    );
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  project.provide('motoBroker', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return async () => {
    server.close();
    await Promise.all([...motos.values()].map((m) => m.then((moto) => moto.stop()).catch(() => undefined)));
    await (await zygote)?.stop();
  };
}
