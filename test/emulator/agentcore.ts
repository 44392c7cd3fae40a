/**
 * AgentCore control-plane gateways as AWS behaves where moto does not. "SDK-A" is
 * node_modules/@aws-sdk/client-bedrock-agentcore-control/dist-types (v3.1142); constraints are the
 * botocore model's (boto/botocore bedrock-agentcore-control/2023-06-05/service-2.json), quoted in
 * /work/shared/spec/aws-semantics.md §6.
 *
 * - Status: a gateway is CREATING after CreateGateway and UPDATING after UpdateGateway for
 *   `gatewayDelayMs`, then READY, or FAILED / UPDATE_UNSUCCESSFUL with `statusReasons` when a test
 *   planned it (SDK-A enums.d.ts GatewayStatus; UpdateGateway answers HTTP 202, schemas_0.js). moto
 *   reports READY on the first Get after create and UPDATING for ever after an update.
 * - gatewayUrl is `https://<gatewayId>.gateway.bedrock-agentcore.<region>.amazonaws.com/mcp`
 *   (docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-agent-integration.html); moto's
 *   has no path.
 * - UpdateGateway is a full replacement (HTTP PUT; AWS's agentcore-cli sends "the complete
 *   replacement requests required by the service", github.com/aws/agentcore-cli/pull/1900): an
 *   omitted optional member is cleared. moto keeps omitted members (moto/bedrockagentcorecontrol/
 *   models.py Gateway.update: `if x is not None`), so the front sends moto empty values.
 * - Required members (SDK-A models_0.d.ts UpdateGatewayRequest/CreateGatewayRequest: name, roleArn,
 *   authorizerType) missing → ValidationException (moto: HTTP 500 without protocolType, KeyError).
 *   protocolType is optional in this SDK; the front fills MCP, the only protocol (SDK-A enums.d.ts).
 * - `name` "must be the same as the one when the gateway was created" (SDK-A models_0.d.ts:7496);
 *   the authorizer type cannot change: "Authorizer type cannot be updated for an existing gateway"
 *   (github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/2578).
 * - CUSTOM_JWT needs an authorizerConfiguration (SDK-A commands/CreateGatewayCommand.d.ts); its
 *   discoveryUrl must match `.+/\.well-known/openid-configuration` and allowedAudience,
 *   allowedClients, allowedScopes and customClaims have at least one item when present (botocore).
 * - Names are unique per account (SDK-A models_0.d.ts CreateGatewayRequest.name) → ConflictException.
 * - CreateGateway's clientToken makes it idempotent (SDK-A models_0.d.ts CreateGatewayRequest
 *   .clientToken, filled by the SDK): a retried Create with the same token answers the same gateway.
 * - wafConfiguration and customTransformConfiguration are kept (moto drops them).
 * - ListGateways and ListGatewayTargets page (maxResults 1–1000, nextToken).
 */
import { AwsError, validationError } from './protocol';
import { answer, relay, type Ctx, type Rule } from './context';
import { page } from './paging';
import type { GatewayPhase } from './state';

const svc = 'bedrock-agentcore' as const;
type Json = Record<string, unknown>;

/** Optional UpdateGateway members and the value that clears each in moto (hidden in answers). */
const CLEAR: Json = {
  description: '',
  protocolConfiguration: {},
  authorizerConfiguration: {},
  kmsKeyArn: '',
  interceptorConfigurations: [],
  policyEngineConfiguration: {},
  exceptionLevel: '',
};
/** Members moto drops; the front keeps them (state.gatewayExtras). */
const EXTRAS = ['wafConfiguration', 'customTransformConfiguration'];

function reportedStatus(ctx: Ctx, id: string, motoStatus: unknown): { status: string; statusReasons?: string[] } {
  const p = ctx.state.gatewayPhases.get(id);
  if (!p) return { status: motoStatus === 'UPDATING' || motoStatus === 'CREATING' ? 'READY' : String(motoStatus ?? 'READY') };
  if (Date.now() < p.until) return { status: p.transitional };
  return { status: p.outcome, ...(p.statusReasons && p.outcome !== 'READY' ? { statusReasons: p.statusReasons } : {}) };
}

/** A moto gateway (Create/Get/Update answer) as AWS shows it. */
function shape(ctx: Ctx, g: Json): Json {
  const id = String(g.gatewayId ?? '');
  const out: Json = {};
  for (const [k, v] of Object.entries(g)) {
    if (k === 'description' && v === '') continue;
    if (k === 'statusReasons') continue;
    out[k] = v;
  }
  if (id) out.gatewayUrl = `https://${id}.gateway.bedrock-agentcore.${ctx.region}.amazonaws.com/mcp`;
  Object.assign(out, reportedStatus(ctx, id, g.status), ctx.state.gatewayExtras.get(id) ?? {});
  return out;
}

function startPhase(ctx: Ctx, id: string, transitional: GatewayPhase['transitional']): void {
  const i = ctx.state.plannedOutcomes.findIndex((p) => !p.gatewayId || p.gatewayId === id);
  const planned = i >= 0 ? ctx.state.plannedOutcomes.splice(i, 1)[0] : undefined;
  const failed = transitional === 'CREATING' ? 'FAILED' : 'UPDATE_UNSUCCESSFUL';
  ctx.state.gatewayPhases.set(id, {
    transitional,
    until: Date.now() + ctx.settings.gatewayDelayMs,
    outcome: planned ? failed : 'READY',
    ...(planned ? { statusReasons: planned.statusReasons } : {}),
  });
}

function keepExtras(ctx: Ctx, id: string, input: Json): void {
  const extras: Json = {};
  for (const k of EXTRAS) if (input[k] !== undefined) extras[k] = input[k];
  ctx.state.gatewayExtras.set(id, extras);
}

/** Constraint checks of Create/UpdateGateway (see the module comment). */
function validate(input: Json): void {
  const fields: { name: string; message: string }[] = [];
  const missing = (name: string) => fields.push({ name, message: `Value null at '${name}' failed to satisfy constraint: Member must not be null` });
  for (const k of ['name', 'roleArn', 'authorizerType']) if (input[k] === undefined || input[k] === null || input[k] === '') missing(k);
  if (typeof input.name === 'string' && input.name && !/^([0-9a-zA-Z][-]?){1,100}$/.test(input.name)) {
    fields.push({ name: 'name', message: `Value '${input.name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ([0-9a-zA-Z][-]?){1,100}` });
  }
  if (typeof input.roleArn === 'string' && input.roleArn && !/^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role\/.+$/.test(input.roleArn)) {
    fields.push({ name: 'roleArn', message: `Value '${input.roleArn}' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+` });
  }
  const jwt = ((input.authorizerConfiguration ?? {}) as Json).customJWTAuthorizer as Json | undefined;
  if (input.authorizerType === 'CUSTOM_JWT' && !jwt) {
    fields.push({ name: 'authorizerConfiguration', message: 'authorizerConfiguration is required when authorizerType is CUSTOM_JWT' });
  }
  if (jwt) {
    const base = 'authorizerConfiguration.customJWTAuthorizer';
    if (typeof jwt.discoveryUrl !== 'string') missing(`${base}.discoveryUrl`);
    else if (!/^.+\/\.well-known\/openid-configuration$/.test(jwt.discoveryUrl)) {
      fields.push({ name: `${base}.discoveryUrl`, message: `Value '${jwt.discoveryUrl}' at '${base}.discoveryUrl' failed to satisfy constraint: Member must satisfy regular expression pattern: .+/\\.well-known/openid-configuration` });
    }
    for (const k of ['allowedAudience', 'allowedClients', 'allowedScopes', 'customClaims']) {
      if (Array.isArray(jwt[k]) && (jwt[k] as unknown[]).length === 0) {
        fields.push({ name: `${base}.${k}`, message: `Value '[]' at '${base}.${k}' failed to satisfy constraint: Member must have length greater than or equal to 1` });
      }
    }
  }
  if (fields.length) throw new AwsError(validationError(fields), fields[0]!.message);
}

async function motoGateway(ctx: Ctx, id: string): Promise<Json | undefined> {
  const { GetGatewayCommand } = await import('@aws-sdk/client-bedrock-agentcore-control');
  try {
    const { $metadata: _m, ...g } = await ctx.moto.agentcore.send(new GetGatewayCommand({ gatewayIdentifier: id }));
    return g as Json;
  } catch {
    return undefined;
  }
}

async function motoGateways(ctx: Ctx): Promise<Json[]> {
  const { ListGatewaysCommand } = await import('@aws-sdk/client-bedrock-agentcore-control');
  const out: Json[] = [];
  let nextToken: string | undefined;
  do {
    const r = await ctx.moto.agentcore.send(new ListGatewaysCommand({ maxResults: 1000, nextToken }));
    out.push(...((r.items ?? []) as unknown as Json[]));
    nextToken = r.nextToken;
  } while (nextToken);
  return out;
}

const createGateway: Rule = async (ctx) => {
  validate(ctx.input);
  const token = typeof ctx.input.clientToken === 'string' ? ctx.input.clientToken : undefined;
  const { clientToken: _t, ...request } = ctx.input;
  if (token) {
    const seen = ctx.state.gatewayTokens.get(token);
    if (seen) {
      if (seen.request !== JSON.stringify(request)) throw AwsError.of(svc, 'ConflictException', 'The request uses the same client token as a previous, but non-identical request.');
      const g = await motoGateway(ctx, seen.gatewayId);
      if (g) return answer(ctx, 202, shape(ctx, g));
    }
  }
  if ((await motoGateways(ctx)).some((g) => g.name === ctx.input.name)) {
    throw AwsError.of(svc, 'ConflictException', `A gateway with the name ${String(ctx.input.name)} already exists.`);
  }
  const a = await ctx.forward(request);
  if (!a.ok) return relay(ctx, a);
  const id = String(a.json.gatewayId ?? '');
  if (token) ctx.state.gatewayTokens.set(token, { gatewayId: id, request: JSON.stringify(request) });
  keepExtras(ctx, id, ctx.input);
  startPhase(ctx, id, 'CREATING');
  return relay(ctx, a, shape(ctx, a.json));
};

const getGateway: Rule = async (ctx) => {
  const a = await ctx.forward();
  if (!a.ok) return relay(ctx, a);
  return relay(ctx, a, shape(ctx, a.json));
};

const updateGateway: Rule = async (ctx) => {
  validate(ctx.input);
  const id = ctx.op.labels.gatewayIdentifier ?? '';
  const current = await motoGateway(ctx, id);
  if (!current) return relay(ctx, await ctx.forward()); // moto's ResourceNotFoundException
  if (ctx.input.name !== current.name) {
    throw new AwsError(validationError([{ name: 'name', message: `The name of a gateway cannot be changed: expected '${String(current.name)}', got '${String(ctx.input.name)}'` }]), 'name changed');
  }
  if (ctx.input.authorizerType !== current.authorizerType) {
    throw new AwsError(validationError([{ name: 'authorizerType', message: 'Authorizer type cannot be updated for an existing gateway' }]), 'authorizerType changed');
  }
  // An update while the gateway is CREATING or UPDATING: ConflictException. SDK-A commands/UpdateGatewayCommand.d.ts lists
  // ConflictException ("thrown when there is a conflict performing an operation"); GatewayStatus (SDK-A enums.d.ts) has
  // CREATING/UPDATING as transitional states an update must wait out. Decision for issue 9 (whether AWS answers this for
  // an update in progress is UNCONFIRMED; message UNCONFIRMED): the stricter answer, so the product never relies on
  // AWS accepting it. moto accepts it. `settings.conflictWhileTransitional = false` turns it off.
  const phase = reportedStatus(ctx, id, current.status).status;
  if (ctx.settings.conflictWhileTransitional !== false && (phase === 'CREATING' || phase === 'UPDATING')) {
    throw AwsError.of(svc, 'ConflictException', `Gateway ${id} is ${phase}; wait until it is READY before updating it.`);
  }
  const full: Json = { ...CLEAR, protocolType: 'MCP' };
  for (const [k, v] of Object.entries(ctx.input)) if (!EXTRAS.includes(k) && v !== undefined) full[k] = v;
  const a = await ctx.forward(full);
  if (!a.ok) return relay(ctx, a);
  keepExtras(ctx, id, ctx.input);
  startPhase(ctx, id, 'UPDATING');
  return relay(ctx, a, shape(ctx, a.json));
};

const deleteGateway: Rule = async (ctx) => {
  const a = await ctx.forward();
  if (a.ok) {
    const id = ctx.op.labels.gatewayIdentifier ?? '';
    ctx.state.gatewayPhases.delete(id);
    ctx.state.gatewayExtras.delete(id);
  }
  return relay(ctx, a);
};

function maxResults(ctx: Ctx): number | undefined {
  const raw = ctx.query.get('maxResults');
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new AwsError(validationError([{ name: 'maxResults', message: `Value '${raw}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 1000` }]), 'maxResults');
  }
  return n;
}

const listGateways: Rule = async (ctx) => {
  const max = maxResults(ctx);
  const items = (await motoGateways(ctx)).map((g) => {
    const { statusReasons: _s, ...rest } = g;
    const r = reportedStatus(ctx, String(g.gatewayId ?? ''), g.status);
    return { ...rest, status: r.status, ...(rest.description === '' ? { description: undefined } : {}) };
  });
  const p = page(svc, 'ListGateways', items, max, ctx.query.get('nextToken') ?? undefined, ctx.settings.pageSize);
  return answer(ctx, 200, { items: p.items, ...(p.next ? { nextToken: p.next } : {}) });
};

const listTargets: Rule = async (ctx) => {
  const max = maxResults(ctx);
  const q = new URLSearchParams();
  q.set('maxResults', '1000');
  const a = await ctx.forward(undefined, { query: q });
  if (!a.ok) return relay(ctx, a);
  const id = ctx.op.labels.gatewayIdentifier ?? '';
  const p = page(svc, `ListGatewayTargets/${id}`, (a.json.items as unknown[] | undefined) ?? [], max, ctx.query.get('nextToken') ?? undefined, ctx.settings.pageSize);
  return answer(ctx, 200, { items: p.items, ...(p.next ? { nextToken: p.next } : {}) });
};

export const agentcoreRules: Record<string, Rule> = {
  CreateGateway: createGateway,
  GetGateway: getGateway,
  UpdateGateway: updateGateway,
  DeleteGateway: deleteGateway,
  ListGateways: listGateways,
  ListGatewayTargets: listTargets,
};
