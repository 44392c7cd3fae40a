/**
 * init's questions: one function per question, asked in the order of WIZARD. Every value comes from
 * a flag, else the state file (resume), else a prompt (on a terminal) whose default is the
 * recommended choice, else that default. Only reads: nothing is changed here.
 */
import { CliError, InputError, RefusedError, UsageError } from '../../lib/errors.js';
import type { Ctx } from '../../lib/context.js';
import type { Choice, Prompter } from '../../lib/prompt.js';
import { ClientName, DomainPrefix, McpVersion, PoolName, Region, ResourceServerId, ScopeName, check, parseScopeSpec, quote } from '../../lib/validate.js';
import { parseCognitoDiscoveryUrl } from '../../lib/urls.js';
import { parseSeconds } from '../../lib/seconds.js';
import { checkDotenvPath, confirmDotenvTarget, foreignDotenvReason } from '../../lib/dotenv.js';
import { askPassword, emailProblem, groupProblem, passwordProblem } from '../../lib/user.js';
import { AGENTCORE_MCP_VERSIONS, DEFAULT_PASSWORD_POLICY, DEFAULT_POOL_NAME, DEFAULT_SCOPE, FACADE_DEFAULT_PORT, MCP_VERSION_NOTES } from '../../domain/oauth.js';
import { DEFAULT_PRESET, facadePreset, presetForFlows, wizardPresets } from '../../domain/presets.js';
import type { State } from '../../lib/state.js';
import { parseInitPoolFlags, type InitPoolInput } from '../../workflows/init-pool.js';
import { suggestDomainPrefix } from '../../steps/pool/domain.js';
import { parseCreateClientFlags, type CreateClientInput } from '../../workflows/create-client.js';
import type { GatewayFact, InitAnswers, InitFacts, InitFlags, PoolFact } from './types.js';

const NEW_POOL = '\0new';
const NO_GATEWAY = '\0none';
/** init's main client (--client-name, --callback-url; --no-copilot-studio drops it): the default preset. */
const COPILOT = DEFAULT_PRESET;
/** init's agent client (--m2m, --m2m-name, --dotenv): the preset of client_credentials. */
const M2M = presetForFlows(['client_credentials'])!;
const OAUTH_CHOICES = ['manual', 'dynamic', 'both'] as const;
const DYNAMIC = '\0copilot-dynamic';

/** The wizard's state: what is known so far (flags checked, answers given). */
interface Wizard {
  ctx: Ctx;
  flags: InitFlags;
  facts: InitFacts;
  secrets: { userPassword?: string };
  ask: boolean;
  p: Prompter;
  state: State;
  poolFlags: InitPoolInput;
  copilotFlags?: CreateClientInput;
  m2mFlags?: CreateClientInput;
  envFile?: string;
  gatewayIdFlag?: string;
  timeout?: number;
  region: string;
  gateway?: GatewayFact;
  pool?: PoolFact;
  poolName?: string;
  domain?: string;
  initPoolInput: InitPoolInput;
  copilot?: CreateClientInput;
  copilotDynamic?: boolean;
  copilotManual?: boolean;
  m2m?: CreateClientInput;
  facade?: CreateClientInput;
  user?: InitAnswers['user'];
  mcpVersions?: string[];
}

/** The questions, in the order the wizard asks them. */
const WIZARD: ((w: Wizard) => Promise<void>)[] = [checkFlags, askRegion, askGateway, askMcpVersions, askPool, askDomain, askScopes, askClients, askUser];

export async function askInitQuestions(ctx: Ctx, flags: InitFlags, facts: InitFacts, secrets: { userPassword?: string } = {}): Promise<InitAnswers> {
  const w = { ctx, flags, facts, secrets, ask: ctx.canPrompt, p: ctx.prompt, state: ctx.state.get() } as Wizard;
  for (const question of WIZARD) await question(w);
  return {
    region: w.region,
    gateway: w.gateway,
    pool: w.pool,
    initPool: w.initPoolInput,
    copilot: w.copilot,
    ...(w.copilot && w.copilotDynamic ? { copilotDynamic: true, copilotManual: w.copilotManual !== false } : {}),
    m2m: w.m2m,
    ...(w.facade ? { facade: w.facade } : {}),
    user: w.user,
    ...(w.mcpVersions?.length ? { mcpVersions: w.mcpVersions } : {}),
    wait: flags.wait !== false,
    waitTimeoutSeconds: w.timeout,
    doctor: flags.doctor !== false,
  };
}

/** Why a gateway cannot be connected by this tool, or undefined when it can. */
export function gatewayProblem(g: GatewayFact, region: string): string | undefined {
  // AUTHENTICATE_ONLY takes the pool's bearer tokens too (authorization offloaded: domain/gateway-authorizer.ts).
  if (g.authorizerType !== 'CUSTOM_JWT' && g.authorizerType !== 'AUTHENTICATE_ONLY') {
    return `gateway ${g.name} (${g.gatewayId}) uses ${g.authorizerType ?? 'no'} inbound authorization, neither CUSTOM_JWT nor AUTHENTICATE_ONLY, and an authorizer type cannot be changed on an existing gateway: create a gateway with a CUSTOM_JWT authorizer, or run init with --no-gateway`;
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
    const why = g.authorizerType !== 'CUSTOM_JWT' && g.authorizerType !== 'AUTHENTICATE_ONLY' ? `${g.authorizerType ?? 'no'} authorizer` : trusted ? `pool in ${trusted.region}` : 'another identity provider';
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
/** Everything a flag says is checked before anything reaches AWS. */
async function checkFlags(w: Wizard): Promise<void> {
  const { ctx, flags, ask, state } = w;
  if (flags.clientName !== undefined) check(ClientName, flags.clientName, '--client-name');
  if (flags.m2mName !== undefined) check(ClientName, flags.m2mName, '--m2m-name');
  w.poolFlags = parseInitPoolFlags(flags);
  w.copilotFlags = flags.copilotStudio === false ? undefined : parseCreateClientFlags({ preset: COPILOT, name: flags.clientName, callbackUrl: flags.callbackUrl, logoutUrl: flags.logoutUrl, accessTokenValidity: flags.accessTokenValidity });
  if (flags.copilotStudioOauth !== undefined) {
    if (!(OAUTH_CHOICES as readonly string[]).includes(flags.copilotStudioOauth)) throw new InputError(`--copilot-studio-oauth ${quote(flags.copilotStudioOauth)} must be manual, dynamic or both.`);
    if (flags.copilotStudio === false) throw new UsageError('--copilot-studio-oauth and --no-copilot-studio contradict each other: pass one.');
    w.copilotDynamic = flags.copilotStudioOauth !== 'manual';
    w.copilotManual = flags.copilotStudioOauth !== 'dynamic';
  }
  w.envFile = flags.envFile ?? flags.dotenv;
  w.m2mFlags = flags.m2m ? parseCreateClientFlags({ preset: M2M, name: flags.m2mName, envFile: flags.envFile, dotenv: flags.dotenv, forceEnvFile: flags.forceEnvFile }) : undefined;
  if (w.envFile && !flags.m2m) throw new UsageError('--dotenv/--env-file writes the M2M client\'s credentials: add --m2m.');
  if (w.m2mFlags?.envFile && !ctx.dryRun) w.m2mFlags.forceEnvFile = await confirmDotenvTarget(w.m2mFlags.envFile, w.m2mFlags.envFileFlag ?? '--env-file', ctx, Boolean(flags.forceEnvFile));
  if (flags.gatewayId !== undefined && flags.gateway === false) throw new UsageError('--gateway-id and --no-gateway contradict each other: pass one.');
  w.gatewayIdFlag = flags.gatewayId === undefined ? undefined : ctx.gatewayId(flags.gatewayId);
  if (flags.mcpVersion?.length) {
    if (flags.gateway === false) throw new UsageError('--mcp-version sets what the gateway speaks and --no-gateway skips the gateway: pass one.');
    w.mcpVersions = [...new Set(flags.mcpVersion.map((v) => check(McpVersion, v, '--mcp-version')))];
  }
  if (flags.userEmail !== undefined) {
    const ep = emailProblem(flags.userEmail);
    if (ep) throw new InputError(`--user-email ${quote(flags.userEmail)} ${ep}.`);
  }
  if (flags.userGroup !== undefined) {
    const gp = groupProblem(flags.userGroup);
    if (gp) throw new InputError(`--user-group ${quote(flags.userGroup)} ${gp}.`);
    if (flags.userEmail === undefined && !ask) throw new UsageError('--user-group needs --user-email.');
  }
  if (flags.userPasswordStdin && flags.userEmail === undefined) throw new UsageError('--user-password-stdin needs --user-email.');
  if (!ask) {
    if (w.gatewayIdFlag === undefined && flags.gateway !== false && !state.gatewayId) {
      throw new UsageError('Which gateway should the new client be allowed through? Pass --gateway-id <id>, or --no-gateway to skip the gateway step.', 'List your gateways with: aws bedrock-agentcore-control list-gateways');
    }
    if (flags.copilotStudio === false && !flags.m2m && !flags.facadeClient) throw new UsageError('--no-copilot-studio leaves no client to create: add --m2m, or drop --no-copilot-studio.');
  }
  w.timeout = flags.waitTimeout === undefined ? undefined : parseSeconds(flags.waitTimeout, 300, '--wait-timeout');
}

/** The Region: a flag, the state's pool, the pool or gateway a flag names, else ask (default: environment or profile). */
async function askRegion(w: Wizard): Promise<void> {
  const { ctx, flags, facts, ask, p, state } = w;
  if (!flags.region && !state.userPoolId && !state.region && !flags.poolId) {
    const def = await facts.defaultRegion();
    if (ask) {
      w.region = await p.input({ message: 'AWS Region', default: def ?? 'us-east-1', validate: (v) => (Region.safeParse(v.trim()).success ? true : 'Not an AWS Region code (for example us-east-1).') });
      facts.useRegion(w.region.trim());
    }
  }
  if (flags.poolId) await ctx.poolId(flags.poolId);
  w.region = await ctx.region();
}

/** The gateway to connect: a flag, the state's, or picked from the account's (default: the first usable CUSTOM_JWT one). */
async function askGateway(w: Wizard): Promise<void> {
  const { ctx, flags, facts, ask, p, state } = w;
  
  const gatewayId = flags.gateway === false ? undefined : (w.gatewayIdFlag ?? state.gatewayId);
  if (gatewayId) {
    w.gateway = await facts.getGateway(gatewayId);
  } else if (ask && flags.gateway !== false) {
    const spin = ctx.out.spinner(`Looking up the AgentCore gateways in ${w.region}`);
    const gateways = await facts.listGateways().finally(() => spin.stop());
    if (gateways.length === 0) {
      ctx.out.info(ctx.out.c.dim(`No AgentCore gateways in ${w.region}: skipping the gateway step (run \`mcp-cognito authorize-client\` once you have one).`));
    } else {
      const choices = gateways.map((g) => gatewayLabel(g, w.region));
      const firstUsable = choices.find((c) => !c.disabled)?.value;
      const picked = await p.select<string>({
        message: 'Gateway to connect (its CUSTOM_JWT authorizer will accept the new client)',
        choices: [...choices, { name: 'None — set up Cognito only (authorize a gateway later)', value: NO_GATEWAY }],
        default: firstUsable ?? NO_GATEWAY,
      });
      w.gateway = picked === NO_GATEWAY ? undefined : gateways.find((g) => g.gatewayId === picked);
    }
  }
  if (w.gateway) {
    // authorize-client checks the ID again after the Cognito steps: fail here, before anything is created.
    ctx.gatewayId(w.gateway.gatewayId);
    const problem = gatewayProblem(w.gateway, w.region);
    if (problem) throw new RefusedError(`Cannot connect ${problem.replace(/^gateway/, 'gateway')}.`);
  }
}

/**
 * The MCP versions the gateway should speak: --mcp-version, else (on a terminal) a choice among the versions AgentCore
 * supports that the gateway does not list yet, none ticked: the gateway keeps what it speaks unless asked (a Copilot
 * Studio client still adds its own version). Without a terminal and without the flag: nothing added.
 */
async function askMcpVersions(w: Wizard): Promise<void> {
  if (!w.gateway || w.mcpVersions || !w.ask) return;
  const mcp = w.gateway.raw?.protocolConfiguration && 'mcp' in w.gateway.raw.protocolConfiguration ? w.gateway.raw.protocolConfiguration.mcp : undefined;
  const listed = mcp?.supportedVersions ?? [];
  const missing = AGENTCORE_MCP_VERSIONS.filter((v) => !listed.includes(v));
  if (!missing.length) return;
  const picked = await w.p.checkbox<string>({
    message: `MCP versions the gateway should also speak (it lists ${listed.length ? listed.join(', ') : 'none'}; every listed version is kept)`,
    choices: missing.map((v) => ({ name: MCP_VERSION_NOTES[v] ? `${v} — ${MCP_VERSION_NOTES[v]}` : v, value: v, checked: false })),
  });
  if (picked.length) w.mcpVersions = picked;
}

/** The pool: the one the gateway trusts; else a flag, the state's, or an existing/new one. */
async function askPool(w: Wizard): Promise<void> {
  const { ctx, flags, facts, ask, p, state } = w;
  
  w.poolName = w.poolFlags.poolName;
  const trusted = w.gateway?.discoveryUrl ? parseCognitoDiscoveryUrl(w.gateway.discoveryUrl) : undefined;
  if (trusted) {
    if (state.userPoolId && state.userPoolId !== trusted.poolId) {
      throw new RefusedError(
        `The state file ${ctx.state.path} belongs to user pool ${state.userPoolId}, but gateway ${w.gateway!.name} trusts pool ${trusted.poolId}.`,
        'Run init in another directory (or with --state <file>) for this gateway, or pass --no-gateway to continue with the state file\'s pool.',
      );
    }
    if ((flags.poolId && flags.poolId !== trusted.poolId) || flags.poolName) {
      ctx.out.warn(`Gateway ${w.gateway!.name} already trusts user pool ${trusted.poolId}; using it (${flags.poolId ? `--pool-id ${flags.poolId}` : `--pool-name ${flags.poolName}`} ignored).`);
    }
    w.pool = await describeTrustedPool(facts, trusted.poolId, w.gateway!);
    ctx.out.info(`Gateway ${w.gateway!.name} trusts user pool ${w.pool.name} (${w.pool.poolId}): using it.`);
  } else if (flags.poolId) {
    w.pool = await facts.describePool(await ctx.poolId(flags.poolId));
  } else if (flags.poolName) {
    const match = (await facts.listPools()).filter((x) => x.name === flags.poolName);
    if (match.length === 1) w.pool = await facts.describePool(match[0]!.poolId);
  } else if (state.userPoolId) {
    w.pool = await facts.describePool(await ctx.poolId(undefined));
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
        w.poolName = await p.input({
          message: 'Name of the new user pool',
          default: def,
          validate: (v) => (!PoolName.safeParse(v).success ? 'Letters, digits, spaces and + = , . @ - only (1 to 128).' : taken.has(v) ? 'A pool with this name exists: pick it from the list instead, or choose another name.' : true),
        });
      } else {
        w.pool = await facts.describePool(picked);
      }
    } else if (named.length === 1) {
      w.pool = await facts.describePool(named[0]!.poolId);
    }
  }
  if (w.pool) w.poolName = w.pool.name;
  w.poolName ??= DEFAULT_POOL_NAME;
}

/** The hosted-UI domain: a pool that has one keeps it; else a flag, else ask (a free, valid prefix). */
async function askDomain(w: Wizard): Promise<void> {
  const { ctx, facts, ask, p } = w;
  w.domain = w.poolFlags.domain;
  if (w.pool?.domain) {
    w.domain = undefined;
  } else if (w.domain === undefined) {
    let suggestion = suggestDomainPrefix(w.poolName!);
    if (ask) {
      for (;;) {
        const answer = await p.input({ message: 'Hosted-UI domain prefix (<prefix>.auth.' + w.region + '.amazoncognito.com)', default: suggestion, validate: (v) => domainPrefixProblem(v) ?? true });
        const owner = await facts.domainOwner(answer);
        if (owner === undefined) {
          w.domain = answer;
          break;
        }
        ctx.out.warn(`The domain prefix "${answer}" is already taken${owner ? ` by pool ${owner}` : ''}; choose another.`);
        suggestion = suggestDomainPrefix(w.poolName!);
      }
    } else {
      w.domain = suggestion;
    }
  }
}

/** Resource server and scope: flags, else the state's, else the pool's only one, else ask (default mcp/invoke). */
async function askScopes(w: Wizard): Promise<void> {
  const { flags, ask, p, state } = w;
  let rsId = flags.resourceServer;
  let scopes = flags.scope?.length ? w.poolFlags.scopes : undefined;
  const existingServers = w.pool?.resourceServers ?? [];
  if (rsId === undefined && state.resourceServer && (!w.pool || w.pool.poolId === state.userPoolId)) {
    rsId = state.resourceServer.identifier;
    scopes ??= state.resourceServer.scopes.map(scopeSpec);
  }
  const only = existingServers.length === 1 ? existingServers[0] : undefined;
  const defRs = rsId ?? only?.identifier ?? w.poolFlags.resourceServer;
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
  w.initPoolInput = {
    ...w.poolFlags,
    poolId: w.pool?.poolId,
    poolName: w.pool ? undefined : w.poolName,
    domain: w.domain,
    resourceServer: check(ResourceServerId, rsId, '--resource-server'),
    scopes,
    ...(w.timeout !== undefined ? { waitTimeoutSeconds: w.timeout } : {}),
  };
}

/** Which clients: Copilot Studio (default) and optionally an M2M agent client. */
async function askClients(w: Wizard): Promise<void> {
  const { ctx, flags, facts, ask, p, state } = w;
  w.copilot = w.copilotFlags;
  w.m2m = w.m2mFlags;
  // The façade's own client, when asked: with the callback `facade serve` registers by default.
  if (flags.facadeClient) w.facade = parseCreateClientFlags({ preset: facadePreset(), callbackUrl: [`http://127.0.0.1:${FACADE_DEFAULT_PORT}/callback`] });
  // commander sets copilotStudio to true unless --no-copilot-studio: ask unless a client flag was given.
  if (ask && flags.copilotStudio !== false && flags.m2m === undefined) {
    let kinds: string[] = [];
    while (kinds.length === 0) {
      kinds = await p.checkbox<string>({
        message: 'Clients to create',
        // The presets' wizard entries (src/domain/presets.ts); a kind already in the state file stays checked.
        choices: [
          ...wizardPresets().map((x) => ({ name: x.label, value: x.preset as string, checked: x.checked || (state.clients ?? []).some((c) => c.preset === x.preset) })),
          // Beside Manual: Copilot Studio signing in through the OAuth façade (the same kind of client, its secret kept by the façade).
          { name: 'Copilot Studio: Dynamic discovery through the façade (paste one URL, no secret; then mcp-cognito facade deploy --copilot-studio)', value: DYNAMIC, checked: false },
        ],
      });
      if (kinds.length === 0) ctx.out.warn('Select at least one client (space toggles, Enter confirms).');
    }
    if (flags.copilotStudioOauth === undefined) {
      w.copilotDynamic = kinds.includes(DYNAMIC);
      w.copilotManual = kinds.includes(COPILOT);
    }
    w.copilot = kinds.includes(COPILOT) || kinds.includes(DYNAMIC) ? parseCreateClientFlags({ preset: COPILOT, name: flags.clientName, callbackUrl: flags.callbackUrl, logoutUrl: flags.logoutUrl, accessTokenValidity: flags.accessTokenValidity }) : undefined;
    if (kinds.includes(M2M)) w.m2m = parseCreateClientFlags({ preset: M2M, name: flags.m2mName });
  }
  if (w.m2m && ask && !w.envFile) {
    const def = facts.fileExists('.env') ? `${w.m2m.name}.env` : '.env';
    const writable = (v: string): true | string => {
      try {
        if (v.trim()) checkDotenvPath(v.trim(), 'The .env file');
        return true;
      } catch (e) {
        return (e as Error).message;
      }
    };
    const answer = (await p.input({ message: 'Write the M2M client\'s credentials to this .env file (mode 0600; empty: do not write)', default: def, validate: writable })).trim();
    if (answer && facts.fileExists(answer) && !foreignDotenvReason(answer) && !(await p.confirm({ message: `${answer} exists. Set the COGNITO_* keys in it (every other line is kept)?`, default: true }))) {
      ctx.out.info(`Not writing ${answer}.`);
    } else if (answer) {
      w.m2m = { ...w.m2m, envFile: checkDotenvPath(answer, 'The .env file'), envFileFlag: 'The .env file', forceEnvFile: ctx.dryRun ? false : await confirmDotenvTarget(answer, 'The .env file', ctx, false) };
    }
  }
}

/** An optional sign-in user for testing (no invitation e-mail, permanent password). */
async function askUser(w: Wizard): Promise<void> {
  const { ctx, flags, facts, ask, p } = w;
  const policy = w.pool?.passwordPolicy ?? DEFAULT_PASSWORD_POLICY;
  let email = flags.userEmail;
  if (email === undefined && ask && (await p.confirm({ message: 'Create a sign-in user to test the Copilot Studio connection?', default: false }))) {
    email = (await p.input({ message: 'E-mail address (also the user name; no e-mail is sent)', validate: (v) => emailProblem(v.trim()) ?? true })).trim();
  }
  if (email !== undefined) {
    const exists = w.pool ? await facts.userStatus(w.pool.poolId, email) : undefined;
    const needsPassword = !exists || exists === 'FORCE_CHANGE_PASSWORD' || exists === 'RESET_REQUIRED';
    // --dry-run needs no password (the plan shows the command with it redacted): not required, not asked for.
    let password = ctx.dryRun ? undefined : w.secrets.userPassword;
    if (needsPassword && password === undefined && !ctx.dryRun) {
      if (!ask) throw new UsageError(`A password is needed for the sign-in user ${email}: pipe it on stdin with --user-password-stdin.`);
      password = await askPassword(p, (m) => ctx.out.warn(m), email, policy);
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
    w.user = { email, group, password: needsPassword ? password : undefined, updatePassword: false, ...(exists ? { exists } : {}) };
  }
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

