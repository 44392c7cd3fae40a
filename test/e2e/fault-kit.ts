/**
 * The fault-injection suite's kit (issue 10, item 6): lanes, scenarios, counting, figures.
 *
 * A lane is an emulator front of its own (test/emulator/server.ts) in front of the test file's
 * moto: its faults and hooks touch only the CLI run given its endpoint, so the runs of one test
 * go at once, each on its own resources (names carry the lane's tag). Seeding and checking go
 * through the lane with the front's internal user agent: never faulted, never hooked.
 *
 * A scenario is one writing command: how to seed what it needs, its arguments, the write
 * operations to fault, and the end state to check (counting resources by name over every page).
 * `runFaulted` arms one kind of fault on every write operation of the scenario (or one sticky
 * fault on one operation), runs the built CLI, and then: exit 0 → the end state must hold
 * (survived); a failure → one clear error (no stack trace), then a clean re-run in the same
 * directory must reach the end state. Duplicates and lost items are counted either way.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  CognitoIdentityProviderClient,
  paginateListGroups,
  paginateListResourceServers,
  paginateListUserPoolClients,
  paginateListUserPools,
  paginateListUsers,
  type GroupType,
  type ResourceServerType,
  type UserPoolClientDescription,
  type UserPoolDescriptionType,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { BedrockAgentCoreControlClient, paginateListGateways, type GatewaySummary } from '@aws-sdk/client-bedrock-agentcore-control';
import { startFront, type FaultKind, type Front } from '../emulator/server';
import { runCli, type CliRun } from './run-cli';

export const KINDS: FaultKind[] = ['throttle', 'server-error', 'reset-before', 'reset-after', 'server-error-after', 'delay'];
/** The CLI's request timeout in fault runs (MCP_COGNITO_REQUEST_TIMEOUT_MS), and a `delay` longer than it. */
export const REQUEST_TIMEOUT_MS = 1000;
export const DELAY_MS = 1300;
export const PASSWORD = 'Passw0rd!Xy';

import type { Figures } from './fault-figures';

export { addFigures, noFigures, record, type Figures } from './fault-figures';

export interface Lane {
  front: Front;
  endpoint: string;
  /**
   * The lane's Region: moto keeps pools and gateways per Region, so a lane's list calls see its
   * own resources only (a few pages instead of every lane's).
   */
  region: string;
  /** A short tag unique to the lane, for resource names. */
  tag: string;
  /** SDK clients through the lane, never faulted or hooked (the front's internal user agent). */
  cognito: CognitoIdentityProviderClient;
  agentcore: BedrockAgentCoreControlClient;
  stop(): Promise<void>;
}

/** Regions where moto has both Cognito and AgentCore; lanes take them in turn. */
const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-central-1', 'eu-west-1', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1'];
let lanes = 0;

export async function openLane(motoEndpoint: string, label: string): Promise<Lane> {
  const region = REGIONS[lanes++ % REGIONS.length]!;
  const front = await startFront({ motoEndpoint, region, gatewayDelayMs: 0, createDataPlane: null });
  const config = { region, endpoint: front.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, customUserAgent: 'emulator-front-internal', maxAttempts: 1 };
  const cognito = new CognitoIdentityProviderClient(config);
  const agentcore = new BedrockAgentCoreControlClient(config);
  const tag = `${label.replace(/[^a-z0-9]/g, '').slice(0, 10)}${randomBytes(3).toString('hex')}`;
  return {
    front,
    endpoint: front.endpoint,
    region,
    tag,
    cognito,
    agentcore,
    async stop() {
      cognito.destroy();
      agentcore.destroy();
      await front.stop();
    },
  };
}

/** Runs `fn` on a fresh lane and closes it afterwards. */
export async function inLane<T>(motoEndpoint: string, label: string, fn: (lane: Lane) => Promise<T>): Promise<T> {
  const lane = await openLane(motoEndpoint, label);
  try {
    return await fn(lane);
  } finally {
    await lane.stop();
  }
}

// ---- counting over every page (the front pages by 2) ----

async function all<P, T>(pages: AsyncIterable<P>, items: (p: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(...(items(p) ?? []));
  return out;
}

export const listPools = (l: Lane): Promise<UserPoolDescriptionType[]> => all(paginateListUserPools({ client: l.cognito }, { MaxResults: 60 }), (p) => p.UserPools);
export const listClients = (l: Lane, poolId: string): Promise<UserPoolClientDescription[]> => all(paginateListUserPoolClients({ client: l.cognito }, { UserPoolId: poolId, MaxResults: 60 }), (p) => p.UserPoolClients);
export const listServers = (l: Lane, poolId: string): Promise<ResourceServerType[]> => all(paginateListResourceServers({ client: l.cognito }, { UserPoolId: poolId, MaxResults: 50 }), (p) => p.ResourceServers);
export const listUsers = (l: Lane, poolId: string): Promise<UserType[]> => all(paginateListUsers({ client: l.cognito }, { UserPoolId: poolId, Limit: 60 }), (p) => p.Users);
export const listGroups = (l: Lane, poolId: string): Promise<GroupType[]> => all(paginateListGroups({ client: l.cognito }, { UserPoolId: poolId, Limit: 60 }), (p) => p.Groups);
export const listGateways = (l: Lane): Promise<GatewaySummary[]> => all(paginateListGateways({ client: l.agentcore }, { maxResults: 100 }), (p) => p.items);

/** What a check found: resources beyond one per name, items lost, and what of the end state is missing. */
export interface Check {
  duplicates: string[];
  lost: string[];
  missing: string[];
}

export const emptyCheck = (): Check => ({ duplicates: [], lost: [], missing: [] });

/** Counts `items` by `name`: notes a duplicate for each name seen more than once, and a missing entry when `expected` is absent. */
export function countByName<T>(check: Check, what: string, items: T[], name: (t: T) => string | undefined, expected: string[]): void {
  const counts = new Map<string, number>();
  for (const i of items) {
    const n = name(i);
    if (n !== undefined) counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  for (const [n, c] of counts) if (c > 1) for (let k = 1; k < c; k++) check.duplicates.push(`${what} ${n}`);
  for (const e of expected) if (!counts.has(e)) check.missing.push(`${what} ${e}`);
}

/** Notes each of `want` absent from `have` as lost (another writer's) or missing (ours). */
export function keptAll(check: Check, into: 'lost' | 'missing', what: string, have: readonly string[] | undefined, want: readonly string[]): void {
  for (const w of want) if (!(have ?? []).includes(w)) check[into].push(`${what} lacks ${w}`);
}

// ---- scenarios ----

export interface Scenario<S> {
  name: string;
  /** The write operations it sends (each gets the fault in a transient run). */
  writes: string[];
  seed(lane: Lane): Promise<S>;
  args(s: S): string[];
  input?: string;
  /** Working directory (state file) for the run and its re-run. */
  cwd(s: S): string;
  verify(lane: Lane, s: S, run: CliRun): Promise<Check>;
}

/** One fault to arm: its kind, and how many matching requests to let through first. */
export interface Armed {
  kind: FaultKind;
  skip?: number;
}

/**
 * The kinds as four runs per scenario, every write operation getting each kind once: a request
 * takes at most one fault per phase (before / after the write / delay), so the second fault of a
 * run hits the retry the first one caused.
 */
export const COMBOS: Armed[][] = [
  [{ kind: 'throttle' }, { kind: 'server-error' }],
  [{ kind: 'reset-before' }, { kind: 'reset-after', skip: 1 }],
  [{ kind: 'server-error-after' }],
  [{ kind: 'delay' }],
];

export interface FaultPlan {
  /** The faults for every faulted operation; or, with `rotation`, COMBOS[(rotation + j) % 4] for the j-th write operation. */
  faults: Armed[];
  rotation?: number;
  /** 'transient': once on every write operation; 'sticky': every time on `operation` (the command cannot get past it). */
  mode: 'transient' | 'sticky';
  operation?: string;
}

export interface Outcome {
  scenario: string;
  plan: FaultPlan;
  fired: number;
  /** `operation kind` of every fault applied. */
  firedOn: string[];
  first: CliRun;
  rerun?: CliRun;
  check: Check;
  survived: boolean;
  failedThenRerun: boolean;
  unclear: string[];
  ms: number;
}

const planLabel = (p: FaultPlan) => `${p.mode} ${p.rotation !== undefined ? `rotation ${p.rotation}` : p.faults.map((f) => f.kind).join('+')}${p.operation ? ` on ${p.operation}` : ''}`;
/** The faults each operation gets under a plan. */
const faultsOf = (p: FaultPlan, writes: string[]): [string, Armed[]][] =>
  p.mode === 'sticky' ? [[p.operation!, p.faults]] : writes.map((op, j) => [op, p.rotation !== undefined ? COMBOS[(p.rotation + j) % COMBOS.length]! : p.faults]);

/** A state directory holding `state` (in the lane's Region) as mcp-cognito.json. */
export function stateDir(lane: Lane, state?: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-faults-'));
  if (state) writeFileSync(join(dir, 'mcp-cognito.json'), JSON.stringify({ version: 1, region: lane.region, ...state }));
  return dir;
}

/** Why a failed run's output is not one clear error ([] when it is). */
export function unclearError(r: CliRun): string[] {
  const problems: string[] = [];
  if (r.code === 0) return problems;
  if (r.code !== 1) problems.push(`exit ${r.code ?? r.signal}`);
  if (/^\s+at .+[(:]\d+/m.test(r.stderr)) problems.push('a stack trace');
  if (/Unexpected error|This is a bug/.test(r.stderr + r.stdout)) problems.push('an unexpected (internal) error');
  const json = (() => {
    try {
      return JSON.parse(r.stdout) as { error?: { message?: string } };
    } catch {
      return undefined;
    }
  })();
  const message = json?.error?.message ?? r.stderr.split('\n').find((l) => l.trim());
  if (!message?.trim()) problems.push('no error message');
  return problems;
}

/** The CLI's environment on a lane: its Region, the short request timeout. */
/** How long a Create is looked for after a lost answer in fault runs (MCP_COGNITO_LATE_CREATE_MS): longer than DELAY_MS - REQUEST_TIMEOUT_MS. */
export const LATE_CREATE_MS = 1000;
export const cliEnv = (lane: Lane) => ({ AWS_REGION: lane.region, MCP_COGNITO_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), MCP_COGNITO_LATE_CREATE_MS: String(LATE_CREATE_MS) });

/** At most this many CLI processes of the fault suite at once in a test file (2 cores). */
const MAX_RUNNING = 10;
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Runs one scenario under one fault plan on a fresh lane (see the module comment). */
export async function runFaulted<S>(motoEndpoint: string, sc: Scenario<S>, plan: FaultPlan): Promise<Outcome> {
  return slot(() =>
    inLane(motoEndpoint, sc.name, async (lane) => {
      const started = Date.now();
      const s = await sc.seed(lane);
      const armed = faultsOf(plan, sc.writes);
      for (const [operation, faults] of armed) for (const f of faults) lane.front.faults.inject({ operation, kind: f.kind, skip: f.skip ?? 0, times: plan.mode === 'sticky' ? Infinity : 1, delayMs: DELAY_MS });
      const cwd = sc.cwd(s);
      const go = () => runCli(sc.args(s), { endpoint: lane.endpoint, cwd, input: sc.input, env: cliEnv(lane), timeoutMs: 45_000 });
      const first = await go();
      const firedOn = lane.front.faults.fired.map((f) => `${f.operation} ${f.kind}`);
      lane.front.faults.clear();
      // A delayed request the CLI gave up on is still applied by the front: let it land before counting.
      if (armed.some(([, fs]) => fs.some((f) => f.kind === 'delay'))) await new Promise((r) => setTimeout(r, DELAY_MS));
      const unclear = unclearError(first);
      let rerun: CliRun | undefined;
      if (first.code !== 0) rerun = await go();
      const check = await sc.verify(lane, s, rerun ?? first);
      if (rerun && rerun.code !== 0) check.missing.push(`the clean re-run failed (exit ${rerun.code}): ${rerun.stderr.trim().split('\n')[0]}`);
      const complete = check.missing.length === 0 && check.duplicates.length === 0 && check.lost.length === 0;
      return {
        scenario: sc.name,
        plan,
        fired: firedOn.length,
        firedOn,
        first,
        rerun,
        check,
        survived: first.code === 0 && complete,
        failedThenRerun: first.code !== 0 && unclear.length === 0 && complete,
        unclear,
        ms: Date.now() - started,
      };
    }),
  );
}

/** The figures of some outcomes. */
export function figuresOf(outcomes: Outcome[]): Partial<Figures> {
  return {
    faultsTried: outcomes.reduce((n, o) => n + o.fired, 0),
    survived: outcomes.filter((o) => o.survived).length,
    failedThenRerun: outcomes.filter((o) => o.failedThenRerun).length,
    unclear: outcomes.filter((o) => o.unclear.length > 0).length,
    duplicates: outcomes.reduce((n, o) => n + o.check.duplicates.length, 0),
    itemsLost: outcomes.reduce((n, o) => n + o.check.lost.length, 0),
  };
}

/** One line per outcome that is not clean: for the assertion message. */
export function describeOutcomes(outcomes: Outcome[]): string {
  return outcomes
    .filter((o) => !(o.survived || o.failedThenRerun) || o.unclear.length)
    .map((o) => {
      const what = `${o.scenario} ${planLabel(o.plan)} (fired ${o.fired}, exit ${o.first.code}${o.rerun ? `, re-run exit ${o.rerun.code}` : ''})`;
      const c = o.check;
      return `${what}: ${[...c.duplicates.map((d) => `duplicate ${d}`), ...c.lost.map((x) => `lost: ${x}`), ...c.missing.map((x) => `missing: ${x}`), ...o.unclear.map((u) => `unclear error: ${u}`)].join('; ')}\n  stderr: ${o.first.stderr.trim().split('\n').slice(0, 6).join('\n  ')}`;
    })
    .join('\n');
}

/**
 * Every outcome clean (survived, or failed clearly and re-ran clean; no duplicate, nothing lost),
 * and every kind fired on every write operation of each transient scenario.
 */
export function expectClean(outcomes: Outcome[], scenarios: Scenario<never>[] = []): void {
  if (process.env.FAULTS_DEBUG) for (const o of outcomes) process.stderr.write(`${o.ms} ms ${o.scenario} ${planLabel(o.plan)}: exit ${o.first.code}${o.rerun ? `/${o.rerun.code}` : ''}, fired ${o.firedOn.join(', ')}${o.first.code ? `\n   ${o.first.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}\n`);
  expect(describeOutcomes(outcomes)).toBe('');
  for (const o of outcomes) expect(o.fired, `${o.scenario} ${planLabel(o.plan)}: no fault fired`).toBeGreaterThan(0);
  for (const sc of scenarios) {
    const fired = new Set(outcomes.filter((o) => o.scenario === sc.name && o.plan.mode === 'transient').flatMap((o) => o.firedOn));
    const notFired = sc.writes.flatMap((op) => KINDS.map((k) => `${op} ${k}`)).filter((x) => !fired.has(x));
    expect(notFired, `${sc.name}: faults that never fired`).toEqual([]);
  }
}

/**
 * Every kind on every write operation of a scenario in four transient runs: in run r the j-th
 * operation gets COMBOS[(r + j) % 4], so the slow kinds (delay, throttling) spread over the runs.
 */
export const EVERY_KIND: FaultPlan[] = [0, 1, 2, 3].map((rotation) => ({ faults: [], rotation, mode: 'transient' as const }));
/** Lost answers (reset before and after the write) on every write operation: one run. */
export const LOST_ANSWERS: FaultPlan = { faults: COMBOS[1]!, mode: 'transient' };
/** A fault that sticks to one operation: the command cannot get past it. */
export const sticky = (kind: FaultKind, operation: string): FaultPlan => ({ faults: [{ kind }], operation, mode: 'sticky' });

/** Runs every scenario under its plans at once (at most MAX_RUNNING CLI processes at a time); the longest plans first. */
export async function matrix(motoEndpoint: string, runs: [Scenario<any>, FaultPlan[]][]): Promise<Outcome[]> {
  const jobs = runs.flatMap(([sc, plans]) => plans.map((p) => ({ sc, p, weight: faultsOf(p, sc.writes).reduce((n, [, fs]) => n + fs.reduce((m, f) => m + (f.kind === 'delay' ? 4 : f.kind === 'throttle' ? 3 : 1), 0), 0) })));
  const order = [...jobs].sort((a, b) => b.weight - a.weight);
  const results = new Map<(typeof jobs)[number], Promise<Outcome>>();
  for (const j of order) results.set(j, runFaulted(motoEndpoint, j.sc, j.p));
  return Promise.all(jobs.map((j) => results.get(j)!));
}
