/**
 * `facade serve`: the OAuth façade on this machine, over the state file's pool, client and gateway,
 * for one developer's Claude Code (or to try it). Listens first (a busy port fails before anything
 * changes), registers its callback on the client through the callback step (plan, confirm, --yes),
 * makes a signing key in memory, prints the MCP URL and the `claude mcp add` line, runs until Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { CliError, InputError } from '../../lib/errors.js';
import type { Ctx } from '../../lib/context.js';
import type { Output } from '../../lib/output.js';
import { McpServerName, PortNumber, check } from '../../lib/validate.js';
import { dataPlaneBase, dataPlaneFetch } from '../../lib/data-plane.js';
import { COPILOT_STUDIO_MCP_VERSION, DEFAULT_GATEWAY_WAIT_SECONDS, FACADE_DEFAULT_PORT, clientCommands } from '../../domain/oauth.js';
import { facadeCallbackUrl, type FacadeTargetInput } from '../../steps/facade/target.js';
import { prepareFacadeClient } from '../../workflows/facade-client.js';
import { createFacade } from '../../facade/index.js';
import { startingListener } from '../../facade/node.js';
import { allowedRedirects, claudeName, clientMetadataFlag } from './shared.js';
import { renderCopilotStudioDynamic } from '../../lib/copilot-form.js';

export interface ServeFlags extends FacadeTargetInput {
  port?: string;
  host?: string;
  allowRedirect?: string[];
  name?: string;
  copilotStudio?: boolean;
  publicUrl?: string;
  clientMetadata?: string;
}

export interface ServeInput extends FacadeTargetInput {
  port: number;
  host: '127.0.0.1' | 'localhost' | '::1';
  allowedRedirectUris: string[];
  name?: string;
  /** Allow Copilot Studio's consent redirects (needs publicUrl: Copilot Studio reaches the façade from Microsoft's cloud). */
  copilotStudio: boolean;
  /** The https origin a tunnel gives this loopback server; the façade's metadata and callback use it. */
  publicUrl?: string;
  clientMetadata: boolean;
}

export interface ServeResult {
  mcpUrl: string;
  claudeCommand: string;
  codexCommand: string;
  callbackUrl: string;
  userPoolId: string;
  clientId: string;
  gatewayId: string;
  /** Whether the callback was added to the client by this run. */
  callbackAdded: boolean;
  serving: boolean;
  copilotStudio?: boolean;
}

const HOSTS = ['127.0.0.1', 'localhost', '::1'] as const;

export function parseServeFlags(f: ServeFlags): ServeInput {
  const port = f.port === undefined ? FACADE_DEFAULT_PORT : Number(check(PortNumber, f.port, '--port'));
  const host = (f.host ?? '127.0.0.1') as ServeInput['host'];
  if (!HOSTS.includes(host)) throw new InputError(`--host must be a loopback address (${HOSTS.join(', ')}): the façade's local URL is http, which only loopback makes safe.`, 'Deploy it (mcp-cognito facade deploy) to reach it from elsewhere.');
  const publicUrl = f.publicUrl === undefined ? undefined : publicOrigin(f.publicUrl);
  const copilotStudio = f.copilotStudio === true;
  if (copilotStudio && !publicUrl) {
    throw new InputError("--copilot-studio needs --public-url https://<your tunnel's host>: Copilot Studio reaches the façade from Microsoft's cloud, never this machine's loopback address.", 'Or deploy it: mcp-cognito facade deploy --copilot-studio.');
  }
  return { poolId: f.poolId, clientId: f.clientId, gatewayId: f.gatewayId, port, host, allowedRedirectUris: allowedRedirects(f.allowRedirect ?? []), name: f.name === undefined ? undefined : check(McpServerName, f.name, '--name'), clientMetadata: clientMetadataFlag(f.clientMetadata), copilotStudio, ...(publicUrl ? { publicUrl } : {}) };
}

/** --public-url: an https origin (a tunnel's), nothing else. */
function publicOrigin(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const u = !/[\u0000-\u0020\u007f]/.test(raw) && URL.canParse(raw) ? new URL(raw) : undefined;
  if (!u || u.protocol !== 'https:' || u.username || u.password || u.search || u.hash || (u.pathname !== '/' && u.pathname !== '')) {
    throw new InputError('--public-url must be an https origin, such as https://abc.example-tunnel.dev (no path, query or user).');
  }
  return u.origin;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        new CliError(e.code === 'EADDRINUSE' ? `Port ${port} on ${host} is already in use.` : `Cannot listen on ${host}:${port} (${e.code ?? e.message}).`, {
          code: 'USAGE',
          exit: 2,
          hint: e.code === 'EADDRINUSE' ? 'Stop what uses it, or pass another --port (its callback URL is then registered on the client too).' : undefined,
        }),
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError).once('listening', onListening);
    server.listen(port, host);
  });
}

export async function serveFacade(input: ServeInput, ctx: Ctx): Promise<ServeResult> {
  // Answers 503 until the façade is ready: a request during set-up (or the confirmation) is never left hanging.
  const starting = startingListener();
  const server = createServer(starting.listener);
  if (!ctx.dryRun) await listen(server, input.port, input.host);
  try {
    const origin = input.publicUrl ?? `http://${input.host === '::1' ? '[::1]' : input.host}:${input.port}`;
    // One stable callback per host and port, on the façade's own client (never on another client).
    const callbackUrl = facadeCallbackUrl(origin);
    const setup = await prepareFacadeClient(input, ctx, callbackUrl, { wait: true, waitTimeoutSeconds: DEFAULT_GATEWAY_WAIT_SECONDS, ...(input.copilotStudio ? { mcpVersions: [COPILOT_STUDIO_MCP_VERSION] } : {}) });
    const t = setup.target;
    const mcpUrl = `${origin}/mcp`;
    const name = input.name ?? claudeName(t.gatewayName ?? 'agentcore-gateway');
    const result = (callbackAdded: boolean, serving: boolean, clientId = t.clientId || '(new)'): ServeResult => ({
      mcpUrl,
      ...clientCommands(name, mcpUrl),
      callbackUrl,
      userPoolId: t.poolId,
      clientId,
      gatewayId: t.gatewayId,
      callbackAdded,
      serving,
      copilotStudio: input.copilotStudio,
    });
    if (setup.existing && !setup.steps.length) ctx.out.step(`${callbackUrl} is already a callback URL of the façade's client ${t.clientName ?? t.clientId}`);
    const approved = await ctx.approve(setup.steps, `Set up the façade's app client${t.clientName ? ` ${t.clientName}` : ''}?`);
    if (!approved || ctx.dryRun) return result(false, false);
    // Recorded before the write that adds it (when the client exists), and once more after (a new client's ID is known only then).
    const applied = await setup.apply(callbackUrl, { beforeCallback: (id) => id && recordServeCallback(ctx, id, callbackUrl) });
    recordServeCallback(ctx, applied.target.clientId, callbackUrl);
    await setup.moveOff();
    const secret = applied.secret;
    if (!secret) {
      throw new CliError(`The secret of the façade's app client ${applied.target.clientId} cannot be read (DescribeUserPoolClient returns none), and the façade needs it to talk to Cognito.`, {
        code: 'REFUSED',
        hint: `Give the client a new secret, then serve again: mcp-cognito rotate-secret --client-id ${applied.target.clientId}`,
      });
    }

    const { base, warning } = dataPlaneBase(process.env);
    if (warning) ctx.out.warn(warning);
    const handler = createFacade({
      publicUrl: origin,
      cognito: { region: t.region, userPoolId: t.poolId, domainUrl: t.domainUrl, clientId: applied.target.clientId, clientSecret: secret },
      gatewayUrl: t.gatewayUrl,
      allowedRedirectUris: input.allowedRedirectUris,
      copilotStudio: input.copilotStudio,
      scopes: applied.target.scopes,
      // A fresh key each run: flows in progress when the façade restarts start again.
      signingKey: randomBytes(32),
      fetch: dataPlaneFetch(base),
      clientMetadata: input.clientMetadata,
      // With the (loopback, test) data-plane override, documents come through it like through a proxy: nothing resolved here.
      ...(base ? { cimd: { env: { HTTPS_PROXY: base }, connect: (url: URL, _via: unknown, init: RequestInit) => dataPlaneFetch(base)(url.href, { ...init, redirect: 'manual' }) } } : {}),
      // The request log is this server's output (stderr, --json too): route, status, time; never a query string.
      log: (e) => ctx.out.err(ctx.out.c.dim(`${e.method} ${e.path} ${e.status} ${e.ms} ms${e.reason ? ` (${e.reason})` : ''}`)),
    });
    starting.ready(handler);
    const ready = result(applied.callbackAdded, true, applied.target.clientId);
    ctx.out.result(ready, renderServe, { final: true });
    ctx.out.err(ctx.out.c.dim('Serving; press Ctrl-C to stop.'));
    await untilInterrupted(ctx);
    return ready;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  }
}

/** Record the callback serve registered (one per host and port), so that doctor, status and a move know it as the façade's. */
function recordServeCallback(ctx: Ctx, clientId: string, url: string): void {
  ctx.state.change((s) => {
    const prev = s.facadeServe?.clientId === clientId ? s.facadeServe.callbacks : [];
    return prev.includes(url) ? s : { ...s, facadeServe: { clientId, callbacks: [...prev, url] } };
  });
}

/** Resolves on Ctrl-C (or SIGTERM): the server then stops cleanly, exit 0. */
function untilInterrupted(ctx: Ctx): Promise<void> {
  ctx.ownsInterrupt = true;
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      ctx.out.err('Stopped.');
      resolve();
    };
    process.on('SIGINT', stop).on('SIGTERM', stop);
  });
}

export function renderServe(r: ServeResult, out: Output): string {
  if (!r.serving) return `Would serve the façade at ${r.mcpUrl} (nothing was changed).`;
  return [
    `The OAuth façade is serving ${r.mcpUrl}`,
    out.table([
      ['MCP URL', r.mcpUrl],
      ['Callback', `${r.callbackUrl} (on app client ${r.clientId})`],
    ]),
    ...(r.copilotStudio ? ['', renderCopilotStudioDynamic(r.mcpUrl, out)] : []),
    '',
    'Add it to Claude Code:',
    `  ${r.claudeCommand}`,
    'or to Codex:',
    `  ${r.codexCommand}`,
  ].join('\n');
}
