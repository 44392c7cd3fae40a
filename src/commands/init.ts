import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { CancelledError, CliError, InputError, RefusedError, UsageError } from '../lib/errors.js';
import { Ctx, runAction } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { renderPlan, type PlanStep } from '../lib/plan.js';
import type { Choice } from '../lib/prompt.js';
import { DomainPrefix, PoolName, Region, ResourceServerId, ScopeName, check, parseScopeSpec } from '../lib/validate.js';
import { oauthEndpoints, parseCognitoDiscoveryUrl } from '../lib/urls.js';
import type { Holder } from '../cli.js';
import { DEFAULT_POOL_NAME, DEFAULT_SCOPE, initPool, parseInitPoolFlags, parseSeconds, suggestDomainPrefix, type InitPoolFlags, type InitPoolInput, type InitPoolResult } from './init-pool.js';
import { checkEnvFilePath, clientRequest, createClient, parseCreateClientFlags, renderCopilotStudioForm, type CopilotStudioForm, type CreateClientInput, type CreateClientResult } from './create-client.js';
import { DEFAULT_PASSWORD_POLICY, askPassword, createUser, emailProblem, groupProblem, passwordProblem, readSecretFromStdin, type CreateUserInput, type CreateUserResult, type PasswordPolicy } from './create-user.js';
import { DEFAULT_WAIT_TIMEOUT_SECONDS, authorizeClient, mergeGatewayAuthorization, type AuthorizeClientResult } from './authorize-client.js';
import { awsCliCommand, listDiff } from '../lib/plan.js';
import { toUpdateGatewayRequest } from '../aws/rmw.js';
import { doctor } from './doctor.js';
import type { GetGatewayResponse } from '../aws/agentcore.js';

/** Flags of `init`: the union of the subcommands' flags (init-pool's as they are). */
export interface InitFlags extends InitPoolFlags {
  region?: string;
  // create-client
  copilotStudio?: boolean;
  clientName?: string;
  callbackUrl?: string[];
  logoutUrl?: string[];
  m2m?: boolean;
  m2mName?: string;
  envFile?: string;
  dotenv?: string;
  // authorize-client
  gatewayId?: string;
  gateway?: boolean;
  wait?: boolean;
  // create-user
  userEmail?: string;
  userGroup?: string;
  userPasswordStdin?: boolean;
  doctor?: boolean;
}

/** A gateway as the wizard sees it. */
export interface GatewayFact {
  gatewayId: string;
  name: string;
  status?: string;
  authorizerType?: string;
  discoveryUrl?: string;
  allowedClients?: string[];
  /** GetGateway's answer, to preview the change with authorize-client's own merge. */
  raw?: GetGatewayResponse;
}

export interface PoolFact {
  poolId: string;
  name: string;
  domain?: string;
  passwordPolicy?: PasswordPolicy;
  resourceServers?: { identifier: string; scopes: string[] }[];
  clients?: { clientId: string; name: string }[];
}

/**
 * What the question flow may look up. The command wires these to AWS; unit tests inject fakes.
 * Every method is a read: the question flow changes nothing.
 */
export interface InitFacts {
  /** The Region from the environment or the profile, if any (before --region is decided). */
  defaultRegion(): Promise<string | undefined>;
  /** Fix the Region of this run (called once, after the Region question). */
  useRegion(region: string): void;
  listGateways(): Promise<GatewayFact[]>;
  getGateway(gatewayId: string): Promise<GatewayFact>;
  listPools(): Promise<{ poolId: string; name: string }[]>;
  describePool(poolId: string): Promise<PoolFact>;
  /** The pool that owns a domain prefix, '' when taken by an unknown owner, undefined when free. */
  domainOwner(prefix: string): Promise<string | undefined>;
  /** The status of a user, undefined when there is none. */
  userStatus(poolId: string, username: string): Promise<string | undefined>;
  fileExists(path: string): boolean;
}

/** Everything init will do, decided by flags, state, answers and what exists. */
export interface InitAnswers {
  region: string;
  gateway?: GatewayFact;
  /** The existing pool to adopt (from the gateway, a flag, the state or a choice). */
  pool?: PoolFact;
  initPool: InitPoolInput;
  copilot?: CreateClientInput;
  m2m?: CreateClientInput;
  user?: CreateUserInput & { exists?: string };
  wait: boolean;
  waitTimeoutSeconds?: number;
  doctor: boolean;
}

export interface InitResult extends Omit<InitPoolResult, 'created' | 'updated'> {
  clients: CreateClientResult[];
  copilotStudio?: CopilotStudioForm;
  gateway?: GatewayStepResult;
  user?: CreateUserResult;
  doctor?: DoctorStepResult;
  next?: string;
  /** Set by --dry-run (with `plan`). */
  dryRun?: boolean;
  created: string[];
  updated: string[];
}

const NEW_POOL = '\0new';
const NO_GATEWAY = '\0none';
const COPILOT = 'copilot-studio';
const M2M = 'm2m';

/** Why a gateway cannot be connected by this tool, or undefined when it can. */
export function gatewayProblem(g: GatewayFact, region: string): string | undefined {
  if (g.authorizerType !== 'CUSTOM_JWT') {
    return `gateway ${g.name} (${g.gatewayId}) uses ${g.authorizerType ?? 'no'} inbound authorization, not CUSTOM_JWT, and an authorizer type cannot be changed on an existing gateway: create a gateway with a CUSTOM_JWT authorizer, or run init with --no-gateway`;
  }
  const trusted = g.discoveryUrl ? parseCognitoDiscoveryUrl(g.discoveryUrl) : undefined;
  if (!trusted) {
    return `gateway ${g.name} (${g.gatewayId}) trusts another identity provider (${g.discoveryUrl ?? 'no discovery URL'}), not a Cognito user pool; pointing it at a Cognito pool would cut off that provider's callers, so init leaves it alone (choose another gateway, or --no-gateway)`;
  }
  if (trusted.region !== region) {
    return `gateway ${g.name} (${g.gatewayId}) in ${region} trusts user pool ${trusted.poolId} in ${trusted.region}; init works in one Region per run, so set up the pool with \`mcp-cognito init-pool --pool-id ${trusted.poolId}\` and \`create-client\`, then run \`mcp-cognito authorize-client --gateway-id ${g.gatewayId} --region ${region}\``;
  }
  return undefined;
}

function gatewayLabel(g: GatewayFact, region: string): Choice<string> {
  const problem = gatewayProblem(g, region);
  const trusted = g.discoveryUrl ? parseCognitoDiscoveryUrl(g.discoveryUrl) : undefined;
  if (problem) {
    const why = g.authorizerType !== 'CUSTOM_JWT' ? `${g.authorizerType ?? 'no'} authorizer` : trusted ? `pool in ${trusted.region}` : 'another identity provider';
    return { name: `${g.name} (${g.gatewayId})`, value: g.gatewayId, disabled: `cannot be used: ${why}` };
  }
  return { name: `${g.name} (${g.gatewayId}) — trusts ${trusted!.poolId}${g.status && g.status !== 'READY' ? `, ${g.status}` : ''}`, value: g.gatewayId };
}

/** A scope by name; the default one keeps its default description. */
function scopeSpec(name: string) {
  const def = parseScopeSpec(DEFAULT_SCOPE);
  return name === def.name ? def : parseScopeSpec(name);
}

/**
 * The question flow of `init`: every value comes from a flag, else the state file (resume), else a
 * prompt (on a terminal) whose default is the recommended choice, else that default. Only reads.
 */
export async function askInitQuestions(ctx: Ctx, flags: InitFlags, facts: InitFacts, secrets: { userPassword?: string } = {}): Promise<InitAnswers> {
  const ask = ctx.canPrompt;
  const p = ctx.prompt;
  const state = ctx.state.get();

  // 0. Everything a flag says is checked before anything reaches AWS.
  const poolFlags = parseInitPoolFlags(flags);
  const copilotFlags = flags.copilotStudio === false ? undefined : parseCreateClientFlags({ preset: COPILOT, name: flags.clientName, callbackUrl: flags.callbackUrl, logoutUrl: flags.logoutUrl });
  const envFile = flags.envFile ?? flags.dotenv;
  const m2mFlags = flags.m2m ? parseCreateClientFlags({ preset: M2M, name: flags.m2mName, envFile }) : undefined;
  if (envFile && !flags.m2m) throw new UsageError('--dotenv/--env-file writes the M2M client\'s credentials: add --m2m.');
  if (flags.gatewayId !== undefined && flags.gateway === false) throw new UsageError('--gateway-id and --no-gateway contradict each other: pass one.');
  const gatewayIdFlag = flags.gatewayId === undefined ? undefined : ctx.gatewayId(flags.gatewayId);
  if (flags.userEmail !== undefined) {
    const ep = emailProblem(flags.userEmail);
    if (ep) throw new InputError(`--user-email "${flags.userEmail}" ${ep}.`);
  }
  if (flags.userGroup !== undefined) {
    const gp = groupProblem(flags.userGroup);
    if (gp) throw new InputError(`--user-group "${flags.userGroup}" ${gp}.`);
    if (flags.userEmail === undefined && !ask) throw new UsageError('--user-group needs --user-email.');
  }
  if (flags.userPasswordStdin && flags.userEmail === undefined) throw new UsageError('--user-password-stdin needs --user-email.');
  if (!ask) {
    if (gatewayIdFlag === undefined && flags.gateway !== false && !state.gatewayId) {
      throw new UsageError('Which gateway should the new client be allowed through? Pass --gateway-id <id>, or --no-gateway to skip the gateway step.', 'List your gateways with: aws bedrock-agentcore-control list-gateways');
    }
    if (flags.copilotStudio === false && !flags.m2m) throw new UsageError('--no-copilot-studio leaves no client to create: add --m2m, or drop --no-copilot-studio.');
  }
  const timeout = flags.waitTimeout === undefined ? undefined : parseSeconds(flags.waitTimeout, 300, '--wait-timeout');

  // 1. Region: a flag, the state's pool, the pool or gateway a flag names, else ask (default: environment or profile).
  if (!flags.region && !state.userPoolId && !state.region && !flags.poolId) {
    const def = await facts.defaultRegion();
    if (ask) {
      const region = await p.input({ message: 'AWS Region', default: def ?? 'us-east-1', validate: (v) => (Region.safeParse(v.trim()).success ? true : 'Not an AWS Region code (for example us-east-1).') });
      facts.useRegion(region.trim());
    }
  }
  if (flags.poolId) await ctx.poolId(flags.poolId);
  const region = await ctx.region();

  // 2. The gateway to connect: a flag, the state's, or picked from the account's (default: the first usable CUSTOM_JWT one).
  let gateway: GatewayFact | undefined;
  const gatewayId = flags.gateway === false ? undefined : (gatewayIdFlag ?? state.gatewayId);
  if (gatewayId) {
    gateway = await facts.getGateway(gatewayId);
  } else if (ask && flags.gateway !== false) {
    const spin = ctx.out.spinner(`Looking up the AgentCore gateways in ${region}`);
    const gateways = await facts.listGateways().finally(() => spin.stop());
    if (gateways.length === 0) {
      ctx.out.info(ctx.out.c.dim(`No AgentCore gateways in ${region}: skipping the gateway step (run \`mcp-cognito authorize-client\` once you have one).`));
    } else {
      const choices = gateways.map((g) => gatewayLabel(g, region));
      const firstUsable = choices.find((c) => !c.disabled)?.value;
      const picked = await p.select<string>({
        message: 'Gateway to connect (its CUSTOM_JWT authorizer will accept the new client)',
        choices: [...choices, { name: 'None — set up Cognito only (authorize a gateway later)', value: NO_GATEWAY }],
        default: firstUsable ?? NO_GATEWAY,
      });
      gateway = picked === NO_GATEWAY ? undefined : gateways.find((g) => g.gatewayId === picked);
    }
  }
  if (gateway) {
    // authorize-client checks the ID again after the Cognito steps: fail here, before anything is created.
    ctx.gatewayId(gateway.gatewayId);
    const problem = gatewayProblem(gateway, region);
    if (problem) throw new RefusedError(`Cannot connect ${problem.replace(/^gateway/, 'gateway')}.`);
  }

  // 3. The pool: the one the gateway trusts; else a flag, the state's, or an existing/new one.
  let pool: PoolFact | undefined;
  let poolName = poolFlags.poolName;
  const trusted = gateway?.discoveryUrl ? parseCognitoDiscoveryUrl(gateway.discoveryUrl) : undefined;
  if (trusted) {
    if (state.userPoolId && state.userPoolId !== trusted.poolId) {
      throw new RefusedError(
        `The state file ${ctx.state.path} belongs to user pool ${state.userPoolId}, but gateway ${gateway!.name} trusts pool ${trusted.poolId}.`,
        'Run init in another directory (or with --state <file>) for this gateway, or pass --no-gateway to continue with the state file\'s pool.',
      );
    }
    if ((flags.poolId && flags.poolId !== trusted.poolId) || flags.poolName) {
      ctx.out.warn(`Gateway ${gateway!.name} already trusts user pool ${trusted.poolId}; using it (${flags.poolId ? `--pool-id ${flags.poolId}` : `--pool-name ${flags.poolName}`} ignored).`);
    }
    pool = await describeTrustedPool(facts, trusted.poolId, gateway!);
    ctx.out.info(`Gateway ${gateway!.name} trusts user pool ${pool.name} (${pool.poolId}): using it.`);
  } else if (flags.poolId) {
    pool = await facts.describePool(await ctx.poolId(flags.poolId));
  } else if (flags.poolName) {
    const match = (await facts.listPools()).filter((x) => x.name === flags.poolName);
    if (match.length === 1) pool = await facts.describePool(match[0]!.poolId);
  } else if (state.userPoolId) {
    pool = await facts.describePool(await ctx.poolId(undefined));
  } else {
    const pools = await facts.listPools();
    const named = pools.filter((x) => x.name === DEFAULT_POOL_NAME);
    if (ask) {
      const picked = await p.select<string>({
        message: 'User pool',
        choices: [
          { name: `Create a new user pool`, value: NEW_POOL },
          ...pools.map((x) => ({ name: `${x.name} (${x.poolId})`, value: x.poolId })),
        ],
        default: named.length === 1 ? named[0]!.poolId : NEW_POOL,
      });
      if (picked === NEW_POOL) {
        const taken = new Set(pools.map((x) => x.name));
        let def = DEFAULT_POOL_NAME;
        for (let i = 2; taken.has(def); i++) def = `${DEFAULT_POOL_NAME}-${i}`;
        poolName = await p.input({
          message: 'Name of the new user pool',
          default: def,
          validate: (v) => (!PoolName.safeParse(v).success ? 'Letters, digits, spaces and + = , . @ - only (1 to 128).' : taken.has(v) ? 'A pool with this name exists: pick it from the list instead, or choose another name.' : true),
        });
      } else {
        pool = await facts.describePool(picked);
      }
    } else if (named.length === 1) {
      pool = await facts.describePool(named[0]!.poolId);
    }
  }
  if (pool) poolName = pool.name;
  poolName ??= DEFAULT_POOL_NAME;

  // 4. The hosted-UI domain: a pool that has one keeps it; else a flag, else ask (a free, valid prefix).
  let domain = poolFlags.domain;
  if (pool?.domain) {
    domain = undefined;
  } else if (domain === undefined) {
    let suggestion = suggestDomainPrefix(poolName);
    if (ask) {
      for (;;) {
        const answer = await p.input({ message: 'Hosted-UI domain prefix (<prefix>.auth.' + region + '.amazoncognito.com)', default: suggestion, validate: (v) => domainPrefixProblem(v) ?? true });
        const owner = await facts.domainOwner(answer);
        if (owner === undefined) {
          domain = answer;
          break;
        }
        ctx.out.warn(`The domain prefix "${answer}" is already taken${owner ? ` by pool ${owner}` : ''}; choose another.`);
        suggestion = suggestDomainPrefix(poolName);
      }
    } else {
      domain = suggestion;
    }
  }

  // 5. Resource server and scope: flags, else the state's, else the pool's only one, else ask (default mcp/invoke).
  let rsId = flags.resourceServer;
  let scopes = flags.scope?.length ? poolFlags.scopes : undefined;
  const existingServers = pool?.resourceServers ?? [];
  if (rsId === undefined && state.resourceServer && (!pool || pool.poolId === state.userPoolId)) {
    rsId = state.resourceServer.identifier;
    scopes ??= state.resourceServer.scopes.map(scopeSpec);
  }
  const only = existingServers.length === 1 ? existingServers[0] : undefined;
  const defRs = rsId ?? only?.identifier ?? poolFlags.resourceServer;
  if (rsId === undefined && ask) {
    rsId = (await p.input({ message: 'Resource server identifier (the prefix of the custom scope, e.g. mcp in mcp/invoke)', default: defRs, validate: (v) => (ResourceServerId.safeParse(v).success ? true : 'Printable characters other than space, " and \\ only.') })).trim();
  }
  rsId ??= defRs;
  if (scopes === undefined) {
    const haveScopes = existingServers.find((s) => s.identifier === rsId)?.scopes ?? [];
    const defScope = haveScopes[0] ?? DEFAULT_SCOPE.split('=')[0]!;
    if (ask && haveScopes.length <= 1) {
      const name = (await p.input({ message: `Scope on ${rsId} (the gateway's tools are called with ${rsId}/<scope>)`, default: defScope, validate: (v) => (ScopeName.safeParse(v).success ? true : 'Printable characters other than space, /, " and \\ only.') })).trim();
      scopes = [scopeSpec(name)];
    } else {
      scopes = (haveScopes.length ? haveScopes : [defScope]).map(scopeSpec);
    }
  }
  const initPoolInput: InitPoolInput = {
    ...poolFlags,
    poolId: pool?.poolId,
    poolName: pool ? undefined : poolName,
    domain,
    resourceServer: check(ResourceServerId, rsId, '--resource-server'),
    scopes,
    ...(timeout !== undefined ? { waitTimeoutSeconds: timeout } : {}),
  };

  // 6. Which clients: Copilot Studio (default) and optionally an M2M agent client.
  let copilot = copilotFlags;
  let m2m = m2mFlags;
  // commander sets copilotStudio to true unless --no-copilot-studio: ask unless a client flag was given.
  if (ask && flags.copilotStudio !== false && flags.m2m === undefined) {
    let kinds: string[] = [];
    while (kinds.length === 0) {
      kinds = await p.checkbox<string>({
        message: 'Clients to create',
        choices: [
          { name: 'Copilot Studio (authorization code flow, client secret)', value: COPILOT, checked: true },
          { name: 'M2M agent (client_credentials, custom scopes only)', value: M2M, checked: (state.clients ?? []).some((c) => c.preset === M2M) },
        ],
      });
      if (kinds.length === 0) ctx.out.warn('Select at least one client (space toggles, Enter confirms).');
    }
    copilot = kinds.includes(COPILOT) ? parseCreateClientFlags({ preset: COPILOT, name: flags.clientName, callbackUrl: flags.callbackUrl, logoutUrl: flags.logoutUrl }) : undefined;
    if (kinds.includes(M2M)) m2m = parseCreateClientFlags({ preset: M2M, name: flags.m2mName });
  }
  if (m2m && ask && !envFile) {
    const def = facts.fileExists('.env') ? `${m2m.name}.env` : '.env';
    const writable = (v: string): true | string => {
      try {
        checkEnvFilePath(v.trim() || undefined, 'The .env file');
        return true;
      } catch (e) {
        return (e as Error).message;
      }
    };
    const answer = (await p.input({ message: 'Write the M2M client\'s credentials to this .env file (mode 0600; empty: do not write)', default: def, validate: writable })).trim();
    if (answer && facts.fileExists(answer) && !(await p.confirm({ message: `${answer} exists. Overwrite it?`, default: false }))) {
      ctx.out.info(`Not writing ${answer}.`);
    } else if (answer) {
      m2m = { ...m2m, envFile: checkEnvFilePath(answer, 'The .env file') };
    }
  }

  // 7. An optional sign-in user for testing (no invitation e-mail, permanent password).
  let user: InitAnswers['user'];
  const policy = pool?.passwordPolicy ?? DEFAULT_PASSWORD_POLICY;
  let email = flags.userEmail;
  if (email === undefined && ask && (await p.confirm({ message: 'Create a sign-in user to test the Copilot Studio connection?', default: false }))) {
    email = (await p.input({ message: 'E-mail address (also the user name; no e-mail is sent)', validate: (v) => emailProblem(v.trim()) ?? true })).trim();
  }
  if (email !== undefined) {
    const exists = pool ? await facts.userStatus(pool.poolId, email) : undefined;
    const needsPassword = !exists || exists === 'FORCE_CHANGE_PASSWORD' || exists === 'RESET_REQUIRED';
    // --dry-run needs no password (the plan shows the command with it redacted): not required, not asked for.
    let password = ctx.dryRun ? undefined : secrets.userPassword;
    if (needsPassword && password === undefined && !ctx.dryRun) {
      if (!ask) throw new UsageError(`A password is needed for the sign-in user ${email}: pipe it on stdin with --user-password-stdin.`);
      password = await askPassword(ctx, email, policy);
    }
    if (password !== undefined) {
      const problem = passwordProblem(password, policy);
      if (problem) throw new InputError(`The password for ${email} ${problem}.`);
    }
    let group = flags.userGroup;
    if (group === undefined && ask && flags.userEmail === undefined) {
      const g = (await p.input({ message: 'Add the user to a group (optional; empty: none)', default: '', validate: (v) => (v.trim() === '' ? true : (groupProblem(v.trim()) ?? true)) })).trim();
      group = g || undefined;
    }
    user = { email, group, password: needsPassword ? password : undefined, updatePassword: false, ...(exists ? { exists } : {}) };
  }

  return {
    region,
    gateway,
    pool,
    initPool: initPoolInput,
    copilot,
    m2m,
    user,
    wait: flags.wait !== false,
    waitTimeoutSeconds: timeout,
    doctor: flags.doctor !== false,
  };
}

function domainPrefixProblem(v: string): string | undefined {
  const r = DomainPrefix.safeParse(v);
  return r.success ? undefined : `The prefix ${r.error.issues[0]?.message ?? 'is invalid'}.`;
}

async function describeTrustedPool(facts: InitFacts, poolId: string, gateway: GatewayFact): Promise<PoolFact> {
  try {
    return await facts.describePool(poolId);
  } catch (e) {
    if (e instanceof CliError && e.code === 'NOT_FOUND') {
      throw new CliError(`Gateway ${gateway.name} trusts user pool ${poolId}, which this account cannot find (deleted, or in another account).`, {
        code: 'NOT_FOUND',
        hint: 'Check the credentials (--profile), or choose another gateway; changing a gateway\'s discovery URL would cut off its current callers.',
      });
    }
    throw e;
  }
}

/** One plan of everything init will create or change, from the answers and what exists (with the equivalent aws CLI commands). */
export function planInit(a: InitAnswers): PlanStep[] {
  const steps: PlanStep[] = [];
  const rs = a.initPool.resourceServer;
  const scopeNames = a.initPool.scopes.map((s) => `${rs}/${s.name}`);
  const poolId = a.pool?.poolId ?? '<new pool id>';
  const cli = (op: string, input: Record<string, unknown>) => awsCliCommand('cognito-idp', op, input, a.region);
  const rsScopes = a.initPool.scopes.map((s) => ({ ScopeName: s.name, ScopeDescription: s.description }));
  const createServer: PlanStep = { action: 'create', resource: `resource server "${rs}" with scopes ${scopeNames.join(', ')}`, awsCli: cli('CreateResourceServer', { UserPoolId: poolId, Identifier: rs, Name: a.initPool.resourceServerName, Scopes: rsScopes }) };
  const createDomain = (where: string): PlanStep => ({ action: 'create', resource: `hosted-UI domain "${a.initPool.domain}"${where}`, awsCli: cli('CreateUserPoolDomain', { UserPoolId: poolId, Domain: a.initPool.domain }) });
  if (a.pool) {
    if (!a.pool.domain) steps.push(createDomain(` on user pool ${a.pool.name} (${a.pool.poolId})`));
    const server = a.pool.resourceServers?.find((s) => s.identifier === rs);
    if (!server) steps.push(createServer);
    else {
      const missing = a.initPool.scopes.filter((s) => !server.scopes.includes(s.name)).map((s) => `${rs}/${s.name}`);
      if (missing.length) steps.push({ action: 'update', resource: `resource server "${rs}" scopes`, diff: missing.map((m) => `+ ${m}`) });
    }
  } else {
    const name = a.initPool.poolName ?? DEFAULT_POOL_NAME;
    steps.push({ action: 'create', resource: `user pool "${name}"`, awsCli: cli('CreateUserPool', { PoolName: name, UsernameAttributes: ['email'] }) });
    steps.push(createDomain(''));
    steps.push(createServer);
  }
  const existingClients = new Set([...(a.pool?.clients ?? []).map((c) => c.name)]);
  for (const c of [a.copilot, a.m2m]) {
    if (!c || existingClients.has(c.name)) continue;
    const request = clientRequest(poolId, c, c.preset === 'm2m' ? scopeNames : ['openid', 'email', 'profile', ...scopeNames]);
    steps.push({ action: 'create', resource: `${c.preset} app client "${c.name}" (${c.preset === 'm2m' ? 'client_credentials' : 'code flow'}, client secret)`, awsCli: cli('CreateUserPoolClient', { ...request }) });
  }
  if (a.m2m?.envFile) steps.push({ action: 'create', resource: `${a.m2m.envFile} with the M2M client's credentials (mode 0600)` });
  if (a.gateway) {
    // authorize-client's merge, with the clients to be created standing in by name.
    const byName = new Map((a.pool?.clients ?? []).map((c) => [c.name, c.clientId]));
    const grants = [a.copilot, a.m2m].filter((c): c is CreateClientInput => Boolean(c)).map((c) => ({ clientId: byName.get(c.name) ?? `<new ${c.name}>`, customScopes: scopeNames, copilotStudio: c.preset === COPILOT }));
    const got = a.gateway.raw ?? ({ authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: a.gateway.discoveryUrl, allowedClients: a.gateway.allowedClients } } } as GetGatewayResponse);
    const m = mergeGatewayAuthorization(got, grants);
    const before = (xs: string[], added: string[]) => xs.filter((x) => !added.includes(x));
    const diff = [
      ...(m.added.length ? ['allowedClients:', ...listDiff(before(m.allowedClients, m.added), m.allowedClients)] : []),
      ...(m.addedScopes.length ? ['allowedScopes:', ...listDiff(before(m.allowedScopes, m.addedScopes), m.allowedScopes)] : []),
      ...(m.addedVersions.length ? ['protocolConfiguration.mcp.supportedVersions:', ...listDiff(before(m.supportedVersions, m.addedVersions), m.supportedVersions)] : []),
    ];
    const awsCli = a.gateway.raw ? awsCliCommand('bedrock-agentcore-control', 'UpdateGateway', { ...toUpdateGatewayRequest(a.gateway.raw, m.patch) }, a.region) : undefined;
    if (diff.length) steps.push({ action: 'update', resource: `gateway ${a.gateway.name} (${a.gateway.gatewayId}) JWT authorizer`, diff, ...(awsCli ? { awsCli } : {}) });
  }
  if (a.user && !a.user.exists) steps.push({ action: 'create', resource: `sign-in user ${a.user.email} (permanent password, no invitation e-mail)${a.user.group ? `, in group ${a.user.group}` : ''}` });
  else if (a.user?.exists === 'FORCE_CHANGE_PASSWORD' || a.user?.exists === 'RESET_REQUIRED') {
    // create-user sets the password of an existing user only when approved: this step makes init's one approval cover it.
    steps.push({
      action: 'update',
      resource: `password of ${a.user.email} (permanent)`,
      diff: [`~ status: ${a.user.exists} → CONFIRMED`],
      awsCli: cli('AdminSetUserPassword', { UserPoolId: poolId, Username: a.user.email, Password: '<password>', Permanent: true }),
    });
  }
  return steps;
}

/** Ask for the whole plan once: --dry-run shows it, --yes or the user accepts it; no TTY and a change needs --yes. */
async function confirmPlan(ctx: Ctx, steps: PlanStep[]): Promise<boolean> {
  if (steps.length === 0) {
    ctx.out.info(ctx.out.c.dim('Everything is in place; checking it again.'));
    return true;
  }
  ctx.out.err(`\n${ctx.out.c.bold('Plan')}\n${renderPlan(steps, ctx.out, { showCli: ctx.dryRun })}\n`);
  if (ctx.dryRun) {
    ctx.planned.push(...steps);
    return false;
  }
  // One approval for the whole plan: the steps below neither show their part again nor ask.
  if (ctx.yes) {
    ctx.approvedUpFront = true;
    return true;
  }
  if (ctx.canPrompt) {
    // What was read before the answer may be stale by now: the steps re-read before they write.
    ctx.approvalWasAsked = true;
    if (!(await ctx.prompt.confirm({ message: 'Create and change these resources?', default: true }))) throw new CancelledError('Nothing was changed.', 'Run `mcp-cognito init` again when you are ready.');
    ctx.approvedUpFront = true;
    return true;
  }
  if (steps.some((s) => s.action === 'update')) {
    throw new UsageError('This changes existing resources (see the plan) and there is no terminal to confirm it: pass --yes to apply it.', 'Or run with --dry-run to see the plan only.');
  }
  return true;
}

/** The guided setup: questions → one plan → one confirmation → init-pool, create-client, authorize-client, create-user → hand-off → doctor. */
export async function init(ctx: Ctx, flags: InitFlags, facts: InitFacts, secrets: { userPassword?: string } = {}): Promise<InitResult> {
  const answers = await askInitQuestions(ctx, flags, facts, secrets);
  const steps = planInit(answers);
  const apply = await confirmPlan(ctx, steps);
  if (!apply) {
    return {
      region: answers.region,
      userPoolId: answers.pool?.poolId,
      userPoolName: answers.pool?.name ?? answers.initPool.poolName ?? DEFAULT_POOL_NAME,
      domain: answers.pool?.domain ?? answers.initPool.domain ?? '',
      ...oauthEndpoints(answers.pool?.domain ?? answers.initPool.domain ?? '', answers.region),
      resourceServer: { identifier: answers.initPool.resourceServer, name: answers.initPool.resourceServerName, scopes: answers.initPool.scopes.map((s) => `${answers.initPool.resourceServer}/${s.name}`) },
      clients: [],
      created: [],
      updated: [],
    };
  }

  // 1. Pool, domain, resource server (init-pool).
  const pool = await initPool(answers.initPool, ctx);
  const created = [...pool.created];
  const updated = [...pool.updated];

  // 2. Clients (create-client): adopted by name on a re-run, never duplicated.
  const clients: CreateClientResult[] = [];
  for (const c of [answers.copilot, answers.m2m]) {
    if (!c) continue;
    const r = await createClient({ ...c, poolId: pool.userPoolId }, ctx);
    clients.push(r);
    if (r.created) created.push(`client:${r.clientName}`);
  }

  // 3. The gateway (authorize-client).
  let gateway: GatewayStepResult | undefined;
  if (answers.gateway) {
    gateway = await authorizeGatewayStep(ctx, {
      poolId: pool.userPoolId,
      gatewayId: answers.gateway.gatewayId,
      clientIds: clients.map((c) => c.clientId!).filter(Boolean),
      wait: answers.wait,
      waitTimeoutSeconds: answers.waitTimeoutSeconds,
    });
    if (gateway.updated) updated.push('gateway');
  }

  // 4. The sign-in user (create-user).
  let user: CreateUserResult | undefined;
  if (answers.user) {
    user = await createUser({ ...answers.user, poolId: pool.userPoolId }, ctx);
    if (user.created) created.push('user');
    if (user.groupCreated) created.push('group');
  }

  const copilot = clients.find((c) => c.preset === COPILOT);
  const { created: _c, updated: _u, ...poolFields } = pool;
  const result: InitResult = {
    ...poolFields,
    clients,
    ...(copilot?.copilotStudio ? { copilotStudio: copilot.copilotStudio, next: 'mcp-cognito add-callback <the redirect URL Copilot Studio shows>' } : {}),
    ...(gateway ? { gateway } : {}),
    ...(user ? { user } : {}),
    created,
    updated,
  };

  // 5. A short doctor run: it informs; its findings do not change init's exit code.
  if (answers.doctor) {
    result.doctor = await runDoctorStep(ctx, { poolId: pool.userPoolId, clientIds: clients.map((x) => x.clientId!).filter(Boolean), gatewayId: answers.gateway?.gatewayId });
  }
  return result;
}

export type GatewayStepResult = Partial<AuthorizeClientResult> & { gatewayId: string; updated: boolean; skipped?: boolean; message: string };

/** Step 3: authorize-client's logic for the clients just created or adopted. */
export async function authorizeGatewayStep(ctx: Ctx, o: { poolId?: string; gatewayId: string; clientIds: string[]; wait: boolean; waitTimeoutSeconds?: number }): Promise<GatewayStepResult> {
  if (o.clientIds.length === 0) return { gatewayId: o.gatewayId, updated: false, skipped: true, message: 'no client to authorize.' };
  const r = await authorizeClient({ poolId: o.poolId, gatewayId: o.gatewayId, clientIds: o.clientIds, wait: o.wait, waitTimeoutSeconds: o.waitTimeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS }, ctx);
  const what = [r.added.length ? `allowed clients + ${r.added.join(', ')}` : '', r.addedScopes.length ? `allowed scopes + ${r.addedScopes.join(', ')}` : '', r.addedVersions.length ? `MCP versions + ${r.addedVersions.join(', ')}` : ''].filter(Boolean);
  const message = r.changed ? `updated (${what.join('; ')})${r.status && r.status !== 'READY' ? `; now ${r.status}` : ''}.` : 'already lets these clients through; nothing to change.';
  return { ...r, updated: r.changed, message };
}

export interface DoctorStepResult {
  summary?: { pass: number; warn: number; fail: number; skip: number };
  /** The checks that did not pass (id, status, title, fix). */
  findings: { id: string; status: string; title: string; fix?: string }[];
  /** Why doctor could not run. */
  error?: string;
}

const DOCTOR_NOTE = 'A placeholder callback URL is expected until you run add-callback. These findings inform; they do not change init\'s exit code. `mcp-cognito doctor` gives the full report.';

/** Step 5: a short doctor run of the new setup (doctor's own logic); never fails init. */
export async function runDoctorStep(ctx: Ctx, o: { poolId?: string; clientIds?: string[]; gatewayId?: string }): Promise<DoctorStepResult> {
  const spin = ctx.out.spinner('Checking the new setup (mcp-cognito doctor)');
  try {
    const r = await doctor({ poolId: o.poolId, ...(o.clientIds?.length ? { clientIds: o.clientIds } : {}), ...(o.gatewayId ? { gatewayId: o.gatewayId } : {}) }, ctx);
    spin.stop();
    const findings = r.checks.filter((x) => x.status === 'fail' || x.status === 'warn').map((x) => ({ id: x.id, status: x.status, title: x.title, ...(x.fix ? { fix: x.fix } : {}) }));
    return { summary: r.summary, findings };
  } catch (e) {
    spin.stop();
    const error = e instanceof Error ? e.message : String(e);
    ctx.out.warn(`doctor could not check the setup: ${error}`);
    return { findings: [], error };
  }
}

export function renderInit(r: InitResult, out: Output): string {
  const c = out.c;
  const lines: string[] = [];
  if (r.dryRun || !r.userPoolId) return c.dim('Dry run: nothing was changed. The plan and the equivalent aws CLI commands are above.');
  const what = r.created.length || r.updated.length ? `Created: ${r.created.join(', ') || 'nothing'}. Updated: ${r.updated.join(', ') || 'nothing'}.` : 'Nothing to change: everything was already in place.';
  lines.push(c.bold(`Cognito is set up in ${r.region}: user pool ${r.userPoolName} (${r.userPoolId}), domain ${r.domain}.`), c.dim(what), '');
  if (r.copilotStudio) {
    lines.push(renderCopilotStudioForm(r.copilotStudio, out), '');
    lines.push(`${c.bold('Next:')} after you click Create, Copilot Studio shows a Redirect URL. Register it with:`);
    lines.push(`  ${c.cyan('mcp-cognito add-callback <the redirect URL Copilot Studio shows>')}`, '');
  }
  const m2m = r.clients.find((x) => x.preset === 'm2m');
  if (m2m) {
    lines.push(c.bold(`M2M agent client ${m2m.clientName} (${m2m.clientId})`));
    lines.push(out.table([
      ['Token URL', m2m.tokenUrl ?? '(no domain yet)'],
      ['Scopes', m2m.scopes.join(' ')],
      ['Credentials', m2m.envFile ? `${m2m.envFile} (mode 0600)` : 'in --json output only (use --dotenv <file> to write them)'],
    ]), '');
  }
  if (r.gateway) {
    lines.push(r.gateway.skipped ? c.yellow(`Gateway: ${r.gateway.message}`) : `Gateway ${r.gateway.gatewayName ?? r.gateway.gatewayId}: ${r.gateway.message}`);
    if (r.gateway.gatewayUrl) lines.push(`  MCP endpoint: ${r.gateway.gatewayUrl}/mcp`);
    lines.push('');
  }
  if (r.user) lines.push(`Sign-in user for testing: ${r.user.username} (${r.user.status}${r.user.group ? `, group ${r.user.group}` : ''}).`, '');
  if (r.doctor) {
    const d = r.doctor;
    lines.push(c.bold('Check of the new setup (mcp-cognito doctor):'));
    if (d.summary) lines.push(`  ${d.summary.pass} passed, ${d.summary.warn} warning${d.summary.warn === 1 ? '' : 's'}, ${d.summary.fail} failed, ${d.summary.skip} skipped`);
    else lines.push(`  doctor did not run${d.error ? `: ${d.error}` : ''}`);
    for (const f of d.findings) lines.push(`  ${f.status === 'fail' ? c.red('✗') : c.yellow('!')} ${f.title}${f.fix ? c.dim(` — ${f.fix}`) : ''}`);
    lines.push(c.dim(`  ${DOCTOR_NOTE}`));
  }
  return lines.join('\n').trimEnd();
}

/** Facts from AWS, through the same wrappers (and read cache) the steps use. */
export function awsFacts(ctx: Ctx, probe: () => Promise<string | undefined>): InitFacts {
  return {
    defaultRegion: probe,
    useRegion: (region) => {
      ctx.flags.region = check(Region, region, 'The Region');
    },
    async listGateways() {
      const api = await ctx.agentcore();
      const items = await api.listGateways();
      // GetGateway (for the trusted pool) of a few gateways at a time: no burst against the API's rate limit.
      const out: GatewayFact[] = [];
      for (let i = 0; i < items.length; i += 8) {
        const batch = items.slice(i, i + 8).map(async (g): Promise<GatewayFact> => {
          if (g.authorizerType !== 'CUSTOM_JWT') return { gatewayId: g.gatewayId!, name: g.name ?? g.gatewayId!, status: g.status, authorizerType: g.authorizerType };
          return this.getGateway(g.gatewayId!);
        });
        out.push(...(await Promise.all(batch)));
      }
      return out;
    },
    async getGateway(gatewayId) {
      const g = await (await ctx.agentcore()).getGateway(gatewayId);
      const jwt = g.authorizerConfiguration?.customJWTAuthorizer;
      return { gatewayId: g.gatewayId ?? gatewayId, name: g.name ?? gatewayId, status: g.status, authorizerType: g.authorizerType, discoveryUrl: jwt?.discoveryUrl, allowedClients: jwt?.allowedClients ?? [], raw: g };
    },
    async listPools() {
      return (await (await ctx.cognito()).listPools()).map((x) => ({ poolId: x.Id!, name: x.Name ?? x.Id! }));
    },
    async describePool(poolId) {
      const api = await ctx.cognito();
      const [pool, servers, clients] = await Promise.all([api.describePool(poolId), api.listResourceServers(poolId), api.listClients(poolId)]);
      return {
        poolId,
        name: pool.Name ?? poolId,
        domain: pool.CustomDomain ?? pool.Domain,
        passwordPolicy: pool.Policies?.PasswordPolicy,
        resourceServers: servers.map((s) => ({ identifier: s.Identifier!, scopes: (s.Scopes ?? []).map((x) => x.ScopeName!) })),
        clients: clients.map((x) => ({ clientId: x.ClientId!, name: x.ClientName ?? '' })),
      };
    },
    async domainOwner(prefix) {
      const d = await (await ctx.cognito()).describeDomain(prefix);
      return d ? (d.UserPoolId ?? '') : undefined;
    },
    async userStatus(poolId, username) {
      const u = await (await ctx.cognito()).getUser(poolId, username);
      return u ? (u.UserStatus ?? 'UNKNOWN') : undefined;
    },
    fileExists: (path) => existsSync(path),
  };
}

export function initCommand(holder: Holder): Command {
  const collect = (v: string, prev: string[] = []) => [...prev, v];
  return new Command('init')
    .description(
      'Asks for what it needs (Region, gateway, pool, domain prefix, resource server and scope, clients, an optional test user), shows one plan, asks once, then runs init-pool → create-client → authorize-client → create-user and prints the Copilot Studio form and the next step. Pressing Enter at every prompt gives a working setup. Every question has a flag, so `init --no-input --yes …` runs unattended. Re-running resumes from the state file and creates nothing twice.',
    )
    .option('--gateway-id <id>', 'the gateway whose CUSTOM_JWT authorizer should accept the new clients (its trusted pool is used)')
    .option('--no-gateway', 'set up Cognito only; authorize a gateway later with authorize-client')
    .option('--pool-name <name>', `user pool to adopt or create when no gateway decides it (default "${DEFAULT_POOL_NAME}")`)
    .option('--pool-id <id>', 'adopt this existing user pool')
    .option('--domain <prefix>', 'hosted-UI domain prefix for a pool without one (default: from the pool name plus a random suffix)')
    .option('--resource-server <id>', 'resource server identifier (default: the pool\'s only one, else "mcp")')
    .option('--resource-server-name <name>', 'resource server name (default "MCP Server Access")')
    .option('--scope <name[=description]>', 'resource server scope (repeatable; default "invoke")', collect)
    .option('--managed-login', 'use managed login (version 2) for a new domain')
    .option('--client-name <name>', 'name of the Copilot Studio client (default "copilot-studio-mcp")')
    .option('--callback-url <url>', 'callback URL of the Copilot Studio client (repeatable; default a placeholder until add-callback)', collect)
    .option('--logout-url <url>', 'sign-out URL of the Copilot Studio client (repeatable)', collect)
    .option('--no-copilot-studio', 'do not create the Copilot Studio client')
    .option('--m2m', 'also create an M2M agent client (client_credentials)')
    .option('--m2m-name <name>', 'name of the M2M client (default "mcp-agent-m2m")')
    .option('--env-file <path>', 'write the M2M client\'s credentials to this dotenv file (mode 0600)')
    .option('--dotenv <path>', 'the same as --env-file')
    .option('--no-wait', 'return once UpdateGateway is accepted, without waiting for READY')
    .option('--wait-timeout <seconds>', 'how long to wait for the domain and the gateway (defaults 120 and 300)')
    .option('--user-email <address>', 'create a sign-in user for testing with this e-mail address')
    .option('--user-group <name>', 'add the sign-in user to this group (created if missing)')
    .option('--user-password-stdin', 'read the sign-in user\'s password from stdin (first line)')
    .option('--no-doctor', 'skip the short doctor run at the end')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mcp-cognito init                                      # the wizard\n  $ mcp-cognito init --no-input --yes --gateway-id my-gateway-abc1234567\n  $ mcp-cognito init --no-input --no-gateway --pool-name my-mcp --m2m --dotenv .env\n  $ printf %s "$PASSWORD" | mcp-cognito init --no-input --yes --gateway-id my-gateway-abc1234567 --user-email tester@example.com --user-password-stdin\n\nResume: run the same command again; finished steps are skipped and nothing is created twice.',
    )
    .action(
      runAction<InitFlags, InitResult>('init', holder, async (flags, ctx) => {
        const secrets: { userPassword?: string } = {};
        if (flags.userPasswordStdin && flags.userEmail === undefined) throw new UsageError('--user-password-stdin needs --user-email.');
        if (flags.userPasswordStdin && !ctx.dryRun) {
          secrets.userPassword = await readSecretFromStdin();
          if (!secrets.userPassword) throw new InputError('--user-password-stdin: stdin was empty; pipe the password into the command.');
        }
        const probe = () => new Ctx('init', { ...ctx.flags, region: undefined }, holder.deps).region().catch(() => undefined);
        try {
          return { result: await init(ctx, flags, awsFacts(ctx, probe), secrets), render: renderInit };
        } catch (e) {
          if (e instanceof CancelledError) {
            throw new CancelledError(e.message, e.hint ?? `Every finished step is recorded in ${ctx.state.path}; run \`mcp-cognito init\` again to resume where it stopped.`);
          }
          throw e;
        }
      }),
    );
}
