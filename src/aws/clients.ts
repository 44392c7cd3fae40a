import { appendFileSync } from 'node:fs';
import { toCliError } from './errors.js';
import { CliError } from '../lib/errors.js';
import type { IntentLog } from '../lib/intents.js';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';

export interface AwsSettings {
  region: string;
  profile?: string;
  endpoint?: string;
  log: (line: string) => void;
  /** Where Creates record their intent before they are sent (the state file: src/lib/intents.ts). */
  intents: IntentLog;
}

/** Keys whose values never leave the process (logs, --debug, the test recorder). */
const SECRET_KEYS = /secret|password|token|^session$/i;
/** Token-named keys that are settings, not secrets (pagination, app client token lifetimes). */
const NOT_SECRET_KEYS = /^nextToken$|TokenValidity|TokenRevocation|TokenRotation$|^ClientSecret(Id|CreateDate)$/i;

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // TokenValidityUnits holds units ({AccessToken: 'minutes'}), not tokens.
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) && !NOT_SECRET_KEYS.test(k) ? '<redacted>' : k === 'TokenValidityUnits' ? v : redact(v);
    return out;
  }
  return value;
}

type AnyCommand = { input: object; constructor: { name: string } };
type SendableClient = { send(cmd: any, opts?: any): Promise<any>; middlewareStack: any };

const READ_OP = /^(Describe|Get|List|AdminGet)/;

/**
 * The reads a write can change. A write not listed here forgets every read; a listed one forgets
 * only these, so that creating a client does not read the pool again.
 */
const INVALIDATES: Record<string, RegExp> = {
  CreateUserPool: /^ListUserPools /,
  CreateUserPoolDomain: /^(DescribeUserPool|DescribeUserPoolDomain) /,
  CreateResourceServer: /^(ListResourceServers|DescribeResourceServer) /,
  UpdateResourceServer: /^(ListResourceServers|DescribeResourceServer) /,
  CreateUserPoolClient: /^(ListUserPoolClients|DescribeUserPoolClient) /,
  UpdateUserPoolClient: /^(ListUserPoolClients|DescribeUserPoolClient) /,
  AddUserPoolClientSecret: /^(ListUserPoolClientSecrets|DescribeUserPoolClient) /,
  DeleteUserPoolClientSecret: /^(ListUserPoolClientSecrets|DescribeUserPoolClient) /,
  CreateManagedLoginBranding: /^DescribeManagedLoginBranding/,
  AdminCreateUser: /^(AdminGetUser|ListUsers) /,
  AdminSetUserPassword: /^(AdminGetUser|ListUsers) /,
  CreateGroup: /^(GetGroup|ListGroups|AdminListGroupsForUser) /,
  AdminAddUserToGroup: /^(AdminListGroupsForUser|ListUsersInGroup) /,
  UpdateGateway: /^(GetGateway|ListGateways) /,
};

/**
 * Sends SDK commands for one service: maps errors to CliErrors, and remembers reads so that
 * no resource is read twice in a run (a write forgets the reads it can change; `fresh` forces a
 * new read, for polling and verification).
 */
export class Sender<C extends SendableClient = SendableClient> {
  private readonly cache = new Map<string, Promise<unknown>>();
  private onceClient?: C;
  constructor(
    readonly client: C,
    readonly service: string,
    readonly settings: AwsSettings,
    /** Builds the client for `once` sends: the same settings and credentials, no SDK retry. */
    private readonly makeOnceClient?: () => C,
  ) {}

  /**
   * `fresh`: read again even if this run read it already. `once`: send without the SDK's automatic
   * retry (non-idempotent Creates: see create-once.ts, which decides what to do after a failure).
   * `requestTimeoutMs`: wait this long for the answer instead of the request timeout.
   */
  async send<O>(command: AnyCommand, opts: { fresh?: boolean; once?: boolean; requestTimeoutMs?: number } = {}): Promise<O> {
    const operation = command.constructor.name.replace(/Command$/, '');
    const isRead = READ_OP.test(operation);
    if (!isRead) {
      const affected = INVALIDATES[operation];
      if (!affected) this.cache.clear();
      else for (const k of [...this.cache.keys()]) if (affected.test(k)) this.cache.delete(k);
    }
    const key = `${operation} ${JSON.stringify(command.input)}`;
    if (isRead && !opts.fresh) {
      const hit = this.cache.get(key);
      if (hit) return hit as Promise<O>;
    }
    const via = opts.once && this.makeOnceClient ? (this.onceClient ??= this.makeOnceClient()) : this.client;
    // `requestTimeoutMs`: this request may take longer than the others (its answer is the only proof of what it did).
    const p = (opts.requestTimeoutMs ? via.send(command, { requestTimeout: opts.requestTimeoutMs }) : via.send(command)).catch((err: unknown) => {
      this.cache.delete(key);
      throw toCliError(err, { service: this.service, operation, region: this.settings.region, endpoint: this.settings.endpoint });
    });
    if (isRead) this.cache.set(key, p);
    return p as Promise<O>;
  }
}

/**
 * A client for the SDK's paginators (paginateListUserPools, …): it is an instance of the SDK client
 * (the paginators check that) whose `send` goes through `sender` (error mapping, the read cache).
 * Extra paginator arguments reach Sender.send: pass `{ fresh: true }` to bypass the cache.
 */
export function pagedClient<C extends SendableClient>(sender: Sender<C>): C {
  // The paginators reuse one input object for every page: each request gets its own copy.
  const send = (command: AnyCommand, opts?: { fresh?: boolean }) => sender.send(new (command.constructor as new (input: object) => AnyCommand)({ ...command.input }), opts);
  return Object.create(sender.client, { send: { value: send } }) as C;
}

/** Every item of every page. */
export async function collect<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}

/** --debug logging and the test-only request recorder, as SDK middleware. */
function instrument(client: SendableClient, service: string, settings: AwsSettings): void {
  client.middlewareStack.add(
    (next: any, context: any) => async (args: any) => {
      const started = Date.now();
      try {
        const out = await next(args);
        const meta = out?.output?.$metadata ?? {};
        settings.log(`${service} ${context.commandName?.replace(/Command$/, '')} ${Date.now() - started}ms status=${meta.httpStatusCode ?? '?'} requestId=${meta.requestId ?? '-'}`);
        return out;
      } catch (err: any) {
        const meta = err?.$metadata ?? {};
        settings.log(`${service} ${context.commandName?.replace(/Command$/, '')} ${Date.now() - started}ms failed ${err?.name ?? 'Error'} status=${meta.httpStatusCode ?? '?'} requestId=${meta.requestId ?? '-'}`);
        throw err;
      }
    },
    { step: 'initialize', name: 'mcpCognitoDebugLog' },
  );
  const recordTo = process.env.MCP_COGNITO_RECORD;
  if (recordTo) {
    client.middlewareStack.add(
      (next: any, context: any) => async (args: any) => {
        // JSON-protocol clients hand over a bytes/string adapter object, not a string.
        const raw = args.request?.body;
        const body = typeof raw === 'string' ? raw : raw instanceof Uint8Array ? new TextDecoder().decode(raw) : raw && typeof raw === 'object' && typeof raw.toString === 'function' && raw.toString !== Object.prototype.toString ? String(raw) : undefined;
        let input: unknown = body;
        try {
          input = typeof body === 'string' && body ? JSON.parse(body) : {};
        } catch {
          /* keep the raw body */
        }
        const operation = String(context.commandName ?? '').replace(/Command$/, '');
        // A SecureString's value and a function's code are never recorded.
        if (input && typeof input === 'object') {
          const o = input as Record<string, unknown>;
          if (service === 'ssm' && 'Value' in o) input = { ...o, Value: '<redacted>' };
          if (service === 'lambda' && typeof o.ZipFile === 'string') input = { ...o, ZipFile: `<zip, ${o.ZipFile.length} base64 characters>` };
        }
        appendFileSync(recordTo, JSON.stringify({ service, operation, path: args.request?.path, input: redact(input) }) + '\n');
        return next(args);
      },
      { step: 'finalizeRequest', name: 'mcpCognitoRecorder' },
    );
  }
}

function baseConfig(settings: AwsSettings) {
  // The SDK warns on Node < 22; that is not the user's concern here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return {
    region: settings.region,
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    retryMode: 'adaptive',
    // Adaptive retry handles throttling (TooManyRequests/Throttling) with client-side rate limiting.
    maxAttempts: 3,
    // Without timeouts a request whose answer never comes hangs the command for ever. A timed-out
    // request is a TimeoutError (code ETIMEDOUT): the SDK retries reads and updates, and createOnce
    // looks before sending a Create again.
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: requestTimeoutMs(), throwOnRequestTimeout: true },
  };
}

/** How long a connection to AWS may take to open. */
export const CONNECTION_TIMEOUT_MS = 5_000;
/** How long one AWS request may take, answer included (Cognito and AgentCore control-plane calls take well under a second). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

/** The request timeout: MCP_COGNITO_REQUEST_TIMEOUT_MS when set to a positive number, else the default. */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.MCP_COGNITO_REQUEST_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_REQUEST_TIMEOUT_MS;
}

/** The configuration of the client that sends non-idempotent Creates: one attempt, never resent by the SDK. */
export const NO_RETRY = { maxAttempts: 1 } as const;

export type CognitoModule = typeof import('./sdk/cognito-idp.js');
export type AgentCoreModule = typeof import('./sdk/agentcore.js');

/** Loads the Cognito SDK (only now, never at start-up) and builds one client. */
export async function cognitoSender(settings: AwsSettings): Promise<{ m: CognitoModule; sender: Sender<CognitoIdentityProviderClient> }> {
  const m = await import('./sdk/cognito-idp.js');
  const config = baseConfig(settings);
  const client = new m.CognitoIdentityProviderClient(config);
  instrument(client, 'cognito-idp', settings);
  const once = () => {
    const c = new m.CognitoIdentityProviderClient({ ...config, ...NO_RETRY, credentials: client.config.credentials });
    instrument(c, 'cognito-idp', settings);
    return c;
  };
  return { m, sender: new Sender(client, 'cognito-idp', settings, once) };
}

/** Loads the AgentCore control-plane SDK and builds one client. */
export async function agentcoreSender(settings: AwsSettings): Promise<{ m: AgentCoreModule; sender: Sender<BedrockAgentCoreControlClient> }> {
  const m = await import('./sdk/agentcore.js');
  const config = baseConfig(settings);
  const client = new m.BedrockAgentCoreControlClient(config);
  instrument(client, 'bedrock-agentcore', settings);
  const once = () => {
    const c = new m.BedrockAgentCoreControlClient({ ...config, ...NO_RETRY, credentials: client.config.credentials });
    instrument(c, 'bedrock-agentcore', settings);
    return c;
  };
  return { m, sender: new Sender(client, 'bedrock-agentcore', settings, once) };
}

/** The Region configured for a profile in the shared config files, if any. */
export async function profileRegion(profile: string | undefined): Promise<string | undefined> {
  const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
  const name = profile ?? process.env.AWS_PROFILE ?? 'default';
  try {
    const { configFile, credentialsFile } = await loadSharedConfigFiles();
    return configFile[name]?.region ?? credentialsFile[name]?.region;
  } catch {
    return undefined;
  }
}

/**
 * A Sender for one more service's SDK client class (Lambda, IAM, SSM), configured and instrumented
 * like the others; `once` sends (non-idempotent Creates) go through a client without SDK retries.
 */
export function makeSender<C extends SendableClient>(Ctor: new (config: any) => C, service: string, settings: AwsSettings): Sender<C> {
  const config = baseConfig(settings);
  const client = new Ctor(config);
  instrument(client, service, settings);
  const once = () => {
    const c = new Ctor({ ...config, ...NO_RETRY, credentials: (client as unknown as { config: { credentials: unknown } }).config.credentials });
    instrument(c, service, settings);
    return c;
  };
  return new Sender(client, service, settings, once);
}

/** The SDK error's name under a CliError (e.g. NoSuchEntityException). */
export function awsErrorName(e: unknown): string | undefined {
  let cur: unknown = e;
  while (cur instanceof CliError && cur.cause !== undefined) cur = cur.cause;
  return (cur as { name?: string } | undefined)?.name;
}
