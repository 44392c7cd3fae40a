/**
 * The emulator front: a Node HTTP server on 127.0.0.1 in front of a moto server that behaves as
 * AWS documents where moto is lenient (rules in cognito*.ts and agentcore.ts, each with its
 * evidence), keeps what moto lacks (state.ts), serves the data planes (types.ts `DataPlane`, for
 * requests that carry `X-Forwarded-Host`), injects faults and records every request (faults.ts).
 *
 *   const front = await startFront({ motoEndpoint });   // moto from scripts/moto.mjs
 *   AWS_ENDPOINT_URL=front.endpoint …                    // the CLI, the SDK, the aws CLI
 *   front.requests / front.faults.inject(…) / front.faults.hook(…) / front.gateways.planOutcome(…)
 *   await front.reset();                                 // moto's state and the front's
 *   await front.stop();
 *
 * Anything the front has no rule for is forwarded to moto unchanged (including /moto-api/).
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resetMoto } from '../../scripts/moto.mjs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { AwsError, accessKeyOf, errorReply, identify, parseJson, type Operation, type Reply } from './protocol';
import { IAMClient } from '@aws-sdk/client-iam';
import { loadCallerPolicy, type CallerPolicy } from './iam-policy';
import { lambdaRules } from './lambda';
import { iamRules } from './iam';
import { ssmRules } from './ssm';
import { Faults, type RecordedRequest } from './faults';
import { FrontState, type PlannedOutcome } from './state';
import type { Ctx, FrontSettings, MotoAnswer, Rule } from './context';
import { cognitoRules } from './cognito';
import { agentcoreRules } from './agentcore';
import type { CreateDataPlane, DataPlane } from './types';
import { createDataPlane } from './dataplane/index';

export type { FaultKind, FaultSpec, FaultHandle, HookSpec, HookHandle, HookContext, RecordedRequest, FaultEvent } from './faults';
export type { FrontSettings } from './context';

export interface FrontOptions {
  /** The moto server behind the front (`http://127.0.0.1:<port>`). */
  motoEndpoint: string;
  /** Default Region when a request does not name one (default us-east-1). */
  region?: string;
  /** Items per page of list calls (default 2). */
  pageSize?: number;
  /** How long a gateway stays CREATING/UPDATING (default 300 ms). */
  gatewayDelayMs?: number;
  /** How long a function stays Pending / an update InProgress (default 300 ms). */
  lambdaDelayMs?: number;
  /** How long a new role cannot be assumed by Lambda (default 0). */
  roleAssumableAfterMs?: number;
  /** How long a deleted parameter's name cannot be reused (default 30 000 ms, as AWS). */
  parameterReuseAfterMs?: number;
  /** Builds the data planes (hosted UI, token endpoint, gateway MCP endpoint); default: dataplane/index.ts. `null`: none (data-plane requests get 404). */
  createDataPlane?: CreateDataPlane | null;
  /** MCP tools the gateway data plane lists. */
  tools?: { name: string; description?: string }[];
}

export interface Front {
  /** `http://127.0.0.1:<port>`: point AWS_ENDPOINT_URL (or the SDK's endpoint) here. */
  readonly endpoint: string;
  readonly motoEndpoint: string;
  /** Live settings (page size, gateway delay); change them at any time. */
  readonly settings: FrontSettings;
  /** Every control-plane request received, in order (see RecordedRequest). */
  readonly requests: RecordedRequest[];
  /** The requests for one operation, excluding the front's internal (hook) requests. */
  calls(operation: string): RecordedRequest[];
  /** Fault injection and hooks (faults.ts). */
  readonly faults: Faults;
  /** What the front keeps beside moto; implements types.ts `Overlay`. */
  readonly state: FrontState;
  /** Gateway status control for tests. */
  readonly gateways: {
    /** The next Create (→ FAILED) or Update (→ UPDATE_UNSUCCESSFUL) of `gatewayId` (any gateway when omitted) fails with these reasons. */
    planOutcome(outcome: PlannedOutcome): void;
    /** Puts a gateway in `status` now (e.g. UPDATE_UNSUCCESSFUL with statusReasons, to seed a broken gateway). */
    setStatus(gatewayId: string, status: 'READY' | 'UPDATE_UNSUCCESSFUL' | 'FAILED' | 'UPDATING' | 'CREATING', statusReasons?: string[]): void;
  };
  /** SDK clients straight to moto (bypass the front: moto's lenient semantics). */
  readonly moto: { cognito: CognitoIdentityProviderClient; agentcore: BedrockAgentCoreControlClient };
  /** Clears the request record, faults, hooks and the front's state, and resets moto. */
  reset(): Promise<void>;
  /** Clears the request record only. */
  clearRequests(): void;
  stop(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const INTERNAL_HEADER = 'x-emulator-internal';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function regionOf(headers: IncomingMessage['headers'], fallback: string): string {
  const m = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(String(headers.authorization ?? ''));
  return m?.[1] ?? fallback;
}

function send(res: ServerResponse, r: Reply): void {
  res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) });
  res.end(r.body);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFront(opts: FrontOptions): Promise<Front> {
  const region = opts.region ?? 'us-east-1';
  const motoUrl = new URL(opts.motoEndpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const settings: FrontSettings = {
    pageSize: opts.pageSize ?? 2,
    gatewayDelayMs: opts.gatewayDelayMs ?? 300,
    lambdaDelayMs: opts.lambdaDelayMs ?? 300,
    roleAssumableAfterMs: opts.roleAssumableAfterMs ?? 0,
    parameterReuseAfterMs: opts.parameterReuseAfterMs ?? 30_000,
  };
  const clientConfig = (endpoint: string, internal: boolean) => ({
    region,
    endpoint,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    ...(internal
      ? {
          // Marks the hooks' requests: never faulted nor hooked (faults.ts).
          customUserAgent: 'emulator-front-internal',
        }
      : {}),
  });
  const moto = { cognito: new CognitoIdentityProviderClient(clientConfig(opts.motoEndpoint, false)), agentcore: new BedrockAgentCoreControlClient(clientConfig(opts.motoEndpoint, false)) };
  const state = new FrontState(() => moto.cognito);
  const faults = new Faults();
  const requests: RecordedRequest[] = [];
  let seq = 0;
  let dataPlane: DataPlane | undefined;
  let internal: { cognito: CognitoIdentityProviderClient; agentcore: BedrockAgentCoreControlClient } | undefined;

  const rules: Record<string, Rule> = { ...cognitoRules, ...agentcoreRules };
  /** Rules of the other services, keyed `<service>:<Operation>` (Cognito and Lambda both have a TagResource). */
  const serviceRules: Record<string, Rule> = { ...lambdaRules, ...iamRules, ...ssmRules };
  const motoIam = new IAMClient(clientConfig(opts.motoEndpoint, false));
  /**
   * The callers' policies, read once per access key (5+ IAM reads each: a policed command's every
   * request would repeat them) and forgotten on reset and on any IAM write through the front, before
   * and after it (a user's policy changed, a key deleted): a request never meets a policy older than
   * the last IAM write the front answered.
   */
  const callerPolicies = new Map<string, Promise<CallerPolicy | undefined>>();
  const policyOf = (key: string): Promise<CallerPolicy | undefined> => {
    let p = callerPolicies.get(key);
    if (!p) {
      p = loadCallerPolicy(motoIam, key);
      callerPolicies.set(key, p);
      p.catch(() => callerPolicies.delete(key));
    }
    return p;
  };

  /**
   * The IAM actions a request needs: its own, plus the dependent actions AWS lists for it (Service
   * Authorization Reference: iam:PassRole for a role handed to Lambda or AgentCore; the tag-on-create
   * permissions iam:TagRole, lambda:TagResource, ssm:AddTagsToResource when the Create carries tags).
   */
  function requiredActions(op: Operation, input: Record<string, unknown>): string[] {
    const own = `${op.service}:${op.name}`;
    const out = [own];
    if ((op.service === 'lambda' && (op.name === 'CreateFunction' || (op.name === 'UpdateFunctionConfiguration' && input.Role))) || (op.service === 'bedrock-agentcore' && (op.name === 'CreateGateway' || op.name === 'UpdateGateway'))) out.push('iam:PassRole');
    if (op.service === 'iam' && op.name === 'CreateRole' && Object.keys(input).some((k) => k.startsWith('Tags.'))) out.push('iam:TagRole');
    if (op.service === 'lambda' && op.name === 'CreateFunction' && input.Tags && Object.keys(input.Tags as object).length) out.push('lambda:TagResource');
    if (op.service === 'ssm' && op.name === 'PutParameter' && Array.isArray(input.Tags) && input.Tags.length) out.push('ssm:AddTagsToResource');
    return out;
  }

  function accessDenied(op: Operation, message: string): Reply {
    return errorReply(op.service, op.service === 'iam' || op.service === 'sts' ? 'AccessDenied' : 'AccessDeniedException', message);
  }

  function forwardRaw(method: string, path: string, headers: IncomingMessage['headers'], body: Buffer): Promise<MotoAnswer> {
    return new Promise((resolve, reject) => {
      const h: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(headers)) if (v !== undefined && k !== 'host' && k !== 'content-length' && k !== 'connection' && k !== INTERNAL_HEADER) h[k] = v;
      h.host = motoUrl.host;
      h['content-length'] = String(body.length);
      const r = httpRequest({ host: motoUrl.hostname, port: motoUrl.port, method, path, headers: h, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const b = Buffer.concat(chunks);
          const hs: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) hs[k] = Array.isArray(v) ? v.join(', ') : v;
          const status = res.statusCode ?? 500;
          resolve({ status, headers: hs, body: b, json: parseJson(b), ok: status >= 200 && status < 300 });
        });
        res.on('error', reject);
      });
      r.on('error', reject);
      r.end(body);
    });
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, op: Operation, body: Buffer, url: URL): Promise<void> {
    const isInternal = req.headers[INTERNAL_HEADER] !== undefined || String(req.headers['user-agent'] ?? '').includes('emulator-front-internal');
    const input = op.service === 'iam' || op.service === 'sts' ? Object.fromEntries(new URLSearchParams(body.toString('utf8'))) : parseJson(body);
    const rec: RecordedRequest = {
      seq: ++seq,
      service: op.service,
      operation: op.name,
      input: op.service === 'bedrock-agentcore' || op.service === 'lambda' ? { ...input, ...(Object.keys(op.labels).length ? { $labels: op.labels } : {}), ...(url.search ? { $query: Object.fromEntries(url.searchParams) } : {}) } : input,
      internal: isInternal,
      at: Date.now(),
    };
    requests.push(rec);
    const f = isInternal ? {} : faults.take(op.name, rec.seq);
    if (f.delayMs) await sleep(f.delayMs);
    if (f.pre) {
      rec.fault = f.pre;
      if (f.pre === 'reset-before') return void req.socket.destroy();
      const r = f.pre === 'throttle' ? throttle(op) : serverError(op);
      rec.status = r.status;
      rec.error = r.headers['x-amzn-errortype'];
      return send(res, r);
    }
    let callerPolicy: CallerPolicy | undefined;
    const key = accessKeyOf(req.headers);
    if (!isInternal && key && key !== CREDENTIALS.accessKeyId) {
      callerPolicy = await policyOf(key);
      const denied = callerPolicy && requiredActions(op, input).find((a) => !callerPolicy!.allows(a));
      if (callerPolicy && denied) {
        const r = accessDenied(op, callerPolicy.denial(denied));
        rec.status = r.status;
        rec.error = r.headers['x-amzn-errortype'] ?? (op.service === 'iam' ? 'AccessDenied' : undefined);
        rec.denied = denied;
        return send(res, r);
      }
    }
    const ctx: Ctx = {
      ...(callerPolicy ? { callerPolicy } : {}),
      motoEndpoint: opts.motoEndpoint,
      op,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      input,
      region: regionOf(req.headers, region),
      state,
      settings,
      moto,
      forward: (b, o) => {
        const q = o?.query ?? url.searchParams;
        const qs = q.toString();
        return forwardRaw(req.method ?? 'GET', url.pathname + (qs ? `?${qs}` : ''), req.headers, b === undefined ? body : Buffer.from(JSON.stringify(b), 'utf8'));
      },
    };
    if (!isInternal) await runHooks(op, 'before', rec.input);
    let reply: Reply;
    try {
      const rule = op.service === 'cognito-idp' || op.service === 'bedrock-agentcore' ? rules[op.name] : serviceRules[`${op.service}:${op.name}`];
      reply = rule ? await rule(ctx) : relayRaw(await ctx.forward());
    } catch (e) {
      if (e instanceof AwsError) reply = e.reply;
      else {
        const message = e instanceof Error ? e.message : String(e);
        reply = op.service === 'cognito-idp' ? errorReply(op.service, 'InternalErrorException', `emulator front: ${message}`) : op.service === 'bedrock-agentcore' ? errorReply(op.service, 'InternalServerException', `emulator front: ${message}`) : serverError(op);
      }
    }
    if (!isInternal) await runHooks(op, 'after', rec.input, reply);
    if (f.post) {
      rec.fault = f.post;
      if (f.post === 'reset-after') return void req.socket.destroy();
      reply = serverError(op);
    }
    rec.status = reply.status;
    if (reply.status >= 400) rec.error = reply.headers['x-amzn-errortype'] ?? (parseJson(reply.body).__type as string | undefined);
    send(res, reply);
  }

  function relayRaw(a: MotoAnswer): Reply {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(a.headers)) if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date', 'server'].includes(k)) headers[k] = v;
    return { status: a.status, headers, body: a.body };
  }

  function throttle(op: Operation): Reply {
    // Lambda: TooManyRequestsException 429; IAM: Throttling; SSM: ThrottlingException (their SDKs' error shapes).
    if (op.service === 'lambda') return errorReply(op.service, 'TooManyRequestsException', 'Rate exceeded', {}, 429);
    if (op.service === 'iam' || op.service === 'sts') return errorReply(op.service, 'Throttling', 'Rate exceeded', {}, 400);
    if (op.service === 'ssm' || op.service === 'kms') return errorReply(op.service, 'ThrottlingException', 'Rate exceeded');
    // Cognito's throttling error is TooManyRequestsException (SDK-C errors.d.ts); AgentCore's is ThrottlingException, HTTP 429 (SDK-A errors.d.ts).
    return op.service === 'cognito-idp' ? errorReply(op.service, 'TooManyRequestsException', 'Rate exceeded') : errorReply(op.service, 'ThrottlingException', 'Rate exceeded');
  }

  function serverError(op: Operation): Reply {
    if (op.service === 'lambda') return errorReply(op.service, 'ServiceException', 'Internal server error (injected fault)', {}, 500);
    if (op.service === 'iam' || op.service === 'sts') return errorReply(op.service, 'ServiceFailure', 'Internal server error (injected fault)', {}, 500);
    if (op.service === 'ssm' || op.service === 'kms') return errorReply(op.service, 'InternalServerError', 'Internal server error (injected fault)', {}, 500);
    return op.service === 'cognito-idp' ? errorReply(op.service, 'InternalErrorException', 'Internal server error (injected fault)') : errorReply(op.service, 'InternalServerException', 'Internal server error (injected fault)');
  }

  async function runHooks(op: Operation, when: 'before' | 'after', input: Record<string, unknown>, reply?: Reply): Promise<void> {
    const hooks = faults.takeHooks(op.name, when);
    if (!hooks.length) return;
    internal ??= { cognito: new CognitoIdentityProviderClient(clientConfig(endpoint, true)), agentcore: new BedrockAgentCoreControlClient(clientConfig(endpoint, true)) };
    for (const h of hooks) {
      await h.run({ operation: op.name, service: op.service, input, ...(reply ? { output: parseJson(reply.body), status: reply.status } : {}), aws: internal, moto });
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://front.invalid');
      const fwdHost = req.headers['x-forwarded-host'];
      if (typeof fwdHost === 'string' && fwdHost) {
        // A data-plane request (types.ts): the data plane reads the body itself.
        if (dataPlane && (await dataPlane.handle(req, res, fwdHost))) return;
        if (!res.headersSent) send(res, { status: 404, headers: { 'content-type': 'text/plain' }, body: Buffer.from(`No data plane route for ${fwdHost}${url.pathname}\n`) });
        return;
      }
      const body = await readBody(req);
      const op = identify(req.method ?? 'GET', url.pathname, req.headers, body);
      // An IAM write (or a request the front cannot name) may change a caller's policy: forget the ones read, before and after it.
      const mayChangePolicies = !op || ((op.service === 'iam' || op.service === 'sts') && !/^(Get|List)/.test(op.name));
      if (mayChangePolicies) callerPolicies.clear();
      try {
        if (!op) return send(res, relayRaw(await forwardRaw(req.method ?? 'GET', (req.url ?? '/') as string, req.headers, body)));
        await handleApi(req, res, op, body, url);
      } finally {
        if (mayChangePolicies) callerPolicies.clear();
      }
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, { status: 502, headers: { 'content-type': 'text/plain' }, body: Buffer.from(`emulator front: ${e instanceof Error ? e.message : String(e)}\n`) });
      else res.destroy();
    });
  });
  // Idle keep-alive connections stay open for as long as a test may pause between its own SDK
  // calls: Node's 5 s default closed them while a test's next request was already on its way
  // (ECONNRESET, which the SDK reports as TimeoutError, on a client without retries). stop()
  // closes them all.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const makeDataPlane = opts.createDataPlane === undefined ? createDataPlane : opts.createDataPlane;
  if (makeDataPlane) {
    // The data planes read through the front (AWS semantics, the overlay's resource servers and secrets), as internal requests.
    internal ??= { cognito: new CognitoIdentityProviderClient(clientConfig(endpoint, true)), agentcore: new BedrockAgentCoreControlClient(clientConfig(endpoint, true)) };
    dataPlane = makeDataPlane({ region, moto, aws: internal, overlay: state, ...(opts.tools ? { tools: opts.tools } : {}) });
  }

  return {
    endpoint,
    motoEndpoint: opts.motoEndpoint,
    settings,
    requests,
    calls: (operation) => requests.filter((r) => r.operation === operation && !r.internal),
    faults,
    state,
    moto,
    gateways: {
      planOutcome: (o) => void state.plannedOutcomes.push(o),
      setStatus(gatewayId, status, statusReasons) {
        const transitional = status === 'CREATING' || status === 'UPDATING';
        state.gatewayPhases.set(gatewayId, {
          transitional: status === 'CREATING' ? 'CREATING' : 'UPDATING',
          until: transitional ? Number.MAX_SAFE_INTEGER : 0,
          outcome: transitional ? 'READY' : status,
          ...(statusReasons ? { statusReasons } : {}),
        });
      },
    },
    async reset() {
      await resetMoto(opts.motoEndpoint);
      callerPolicies.clear();
      state.reset();
      faults.clear();
      requests.length = 0;
    },
    clearRequests() {
      requests.length = 0;
    },
    async stop() {
      motoIam.destroy();
      moto.cognito.destroy();
      moto.agentcore.destroy();
      internal?.cognito.destroy();
      internal?.agentcore.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
