import { resolve as resolvePath } from 'node:path';
import type { Command } from 'commander';
import { CancelledError, InputError, UsageError } from './errors.js';
import { Output } from './output.js';
import { renderPlan, type PlanStep, type Prepared } from './plan.js';
import { inquirerPrompter, noPrompter, type Prompter } from './prompt.js';
import { StateStore } from './state.js';
import { ClientId, EndpointUrl, FilePath, GatewayId, PoolId, ProfileName, Region, check, regionOfPoolId } from './validate.js';
import type { CognitoApi } from '../aws/cognito.js';
import type { AgentCoreApi } from '../aws/agentcore.js';
import type { LambdaApi } from '../aws/lambda.js';
import type { IamApi } from '../aws/iam.js';
import type { SsmApi } from '../aws/ssm.js';

/** Global options of the contract, as commander parses them. */
export interface GlobalFlags {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  state?: string;
  json?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  input?: boolean;
  debug?: boolean;
  color?: boolean;
}

/** What can be swapped in tests: streams, the prompter, the environment, TTY-ness. */
export interface Deps {
  prompter?: Prompter;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
  stdinIsTTY?: boolean;
  /**
   * Told when a command ends with its full report of failures (a CliError carrying its result: doctor's
   * failing checks, status's missing resources): it ran its whole course though it exits 1
   * (src/cli.ts then has src/lib/code-cache.ts keep the run's code cache: src/lib/whole-course.ts).
   */
  fullReport?: () => void;
  /** Overrides the AWS API factories (unit tests). */
  aws?: { cognito?: () => Promise<CognitoApi>; agentcore?: () => Promise<AgentCoreApi>; lambda?: () => Promise<LambdaApi>; iam?: () => Promise<IamApi>; ssm?: () => Promise<SsmApi> };
}

export function isCI(env: NodeJS.ProcessEnv): boolean {
  const v = (env.CI ?? '').toLowerCase();
  return v !== '' && v !== 'false' && v !== '0';
}

/** Everything a command needs: flags, output, prompts, state, AWS clients, approval policy. */
export class Ctx {
  readonly out: Output;
  readonly prompt: Prompter;
  readonly state: StateStore;
  readonly canPrompt: boolean;
  readonly dryRun: boolean;
  readonly yes: boolean;
  /** Steps planned during this run (reported in --dry-run results). */
  readonly planned: PlanStep[] = [];
  /** The command handles Ctrl-C itself (a server that stops cleanly): the program's interrupt handler stands aside. */
  ownsInterrupt = false;
  /** What Ctrl-C should say at this point of the command (default: interrupted, run again to resume). */
  interruptNote?: { message: string; hint: string };
  private writing = 0;
  private pendingInterrupt?: () => void;
  private regionValue?: Promise<string>;
  private cognitoApi?: Promise<CognitoApi>;
  private agentcoreApi?: Promise<AgentCoreApi>;
  private lambdaApi?: Promise<LambdaApi>;
  private iamApi?: Promise<IamApi>;
  private ssmApi?: Promise<SsmApi>;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly command: string,
    readonly flags: GlobalFlags,
    private readonly deps: Deps = {},
  ) {
    this.env = deps.env ?? process.env;
    const json = Boolean(flags.json);
    this.out = new Output({ command, json, color: flags.color !== false, debug: Boolean(flags.debug), stdout: deps.stdout, stderr: deps.stderr });
    const stderrTTY = Boolean((deps.stderr ?? process.stderr).isTTY);
    const stdinTTY = deps.stdinIsTTY ?? Boolean(process.stdin.isTTY);
    this.canPrompt = !json && flags.input !== false && !isCI(this.env) && stdinTTY && stderrTTY;
    this.prompt = this.canPrompt ? (deps.prompter ?? inquirerPrompter()) : (deps.prompter ?? noPrompter());
    this.state = new StateStore(resolvePath(flags.state ?? 'mcp-cognito.json'));
    this.dryRun = Boolean(flags.dryRun);
    this.yes = Boolean(flags.yes);
  }

  /** The Region: --region > state file > AWS_REGION > AWS_DEFAULT_REGION > the profile's region. */
  region(): Promise<string> {
    this.regionValue ??= (async () => {
      // Each source with the name an error about its value should give.
      const sources: [string | undefined, string][] = [
        [this.flags.region, '--region'],
        [this.state.get().region, `The region in the state file ${this.state.path}`],
        [this.env.AWS_REGION, 'AWS_REGION'],
        [this.env.AWS_DEFAULT_REGION, 'AWS_DEFAULT_REGION'],
      ];
      let [value, label] = sources.find(([v]) => v) ?? [undefined, ''];
      if (!value) {
        value = await import('../aws/clients.js').then((m) => m.profileRegion(this.profile));
        label = `The region of AWS profile ${this.profile ?? 'default'}`;
      }
      if (!value) throw new UsageError('No AWS Region is set: pass --region (or set AWS_REGION, or a region in your AWS profile).');
      return check(Region, value, label);
    })();
    return this.regionValue;
  }

  get profile(): string | undefined {
    return this.flags.profile ?? this.env.AWS_PROFILE;
  }

  get endpoint(): string | undefined {
    const url = this.flags.endpointUrl ?? this.env.AWS_ENDPOINT_URL;
    if (!url) return undefined;
    return check(EndpointUrl, url, this.flags.endpointUrl ? '--endpoint-url' : 'AWS_ENDPOINT_URL');
  }

  /** Validate the pool ID (flag or state) and fix the Region to the pool's own. Exit 2 when missing or malformed. */
  async poolId(flag: string | undefined, opts: { required?: boolean } = { required: true }): Promise<string> {
    const value = flag ?? this.state.get().userPoolId;
    if (!value) {
      if (opts.required === false) return '';
      throw new UsageError('No user pool: pass --pool-id, or run `mcp-cognito init-pool` first so the state file knows it.');
    }
    const poolId = check(PoolId, value, flag ? '--pool-id' : `The userPoolId in the state file ${this.state.path}`);
    const poolRegion = regionOfPoolId(poolId);
    if (poolRegion) {
      if (this.flags.region && this.flags.region !== poolRegion) {
        throw new InputError(
          `${flag ? '--pool-id' : `The state file's user pool`} ${poolId} is in ${poolRegion}, but --region is ${this.flags.region}.`,
          flag ? undefined : `Pass --pool-id with a pool in ${this.flags.region}, leave out --region, or use another --state file.`,
        );
      }
      if (!this.flags.region) this.regionValue = Promise.resolve(poolRegion);
    }
    return poolId;
  }

  /** The global flags that need no AWS call (control characters, white space, shapes): exit 2 before anything else. */
  checkGlobalFlags(): void {
    if (this.flags.state !== undefined) check(FilePath, this.flags.state, '--state');
    // A FIFO, a device or a directory as the state file: refused now, never opened (a FIFO would hang the read).
    this.state.assertRegularFile();
    if (this.flags.region !== undefined) check(Region, this.flags.region, '--region');
    if (this.profile !== undefined) check(ProfileName, this.profile, this.flags.profile !== undefined ? '--profile' : 'AWS_PROFILE');
    void this.endpoint;
  }

  clientId(flag: string): string {
    return check(ClientId, flag, '--client-id');
  }

  gatewayId(flag: string): string {
    return check(GatewayId, flag, '--gateway-id');
  }

  private async settings() {
    const region = await this.region();
    const endpoint = this.endpoint;
    const { stateIntents } = await import('./intents.js');
    return { region, profile: this.profile, endpoint, log: (l: string) => this.out.debug(l), intents: stateIntents(this.state, (l) => this.out.warn(l)) };
  }

  /** The Cognito API (SDK loaded on first use). */
  cognito(): Promise<CognitoApi> {
    this.cognitoApi ??= this.deps.aws?.cognito?.() ?? this.settings().then(async (s) => (await import('../aws/cognito.js')).cognitoApi(s));
    return this.cognitoApi;
  }

  /** The AgentCore control-plane API (SDK loaded on first use). */
  agentcore(): Promise<AgentCoreApi> {
    this.agentcoreApi ??= this.deps.aws?.agentcore?.() ?? this.settings().then(async (s) => (await import('../aws/agentcore.js')).agentcoreApi(s));
    return this.agentcoreApi;
  }

  /** The Lambda API (facade deploy; SDK loaded on first use). */
  lambda(): Promise<LambdaApi> {
    this.lambdaApi ??= this.deps.aws?.lambda?.() ?? this.settings().then(async (s) => (await import('../aws/lambda.js')).lambdaApi(s));
    return this.lambdaApi;
  }

  /** The IAM API (the façade's execution role). */
  iam(): Promise<IamApi> {
    this.iamApi ??= this.deps.aws?.iam?.() ?? this.settings().then(async (s) => (await import('../aws/iam.js')).iamApi(s));
    return this.iamApi;
  }

  /** The SSM API (the façade's SecureString parameters). */
  ssm(): Promise<SsmApi> {
    this.ssmApi ??= this.deps.aws?.ssm?.() ?? this.settings().then(async (s) => (await import('../aws/ssm.js')).ssmApi(s));
    return this.ssmApi;
  }

  /**
   * A write and its state record that Ctrl-C must not split: an interrupt that arrives meanwhile is
   * held until `fn` has finished (its request answered, its record written), then acted on.
   */
  async uninterrupted<T>(fn: () => Promise<T>): Promise<T> {
    this.writing++;
    let failed = false;
    try {
      return await fn();
    } catch (e) {
      // Its error says what is true; the held interrupt adds nothing to it.
      failed = true;
      throw e;
    } finally {
      if (--this.writing === 0 && this.pendingInterrupt) {
        const go = this.pendingInterrupt;
        this.pendingInterrupt = undefined;
        if (!failed) go();
      }
    }
  }

  /** Called on Ctrl-C: true when a write is under way and `go` will run once it has finished. */
  deferInterrupt(go: () => void): boolean {
    if (this.writing === 0) return false;
    this.pendingInterrupt = go;
    this.out.err('Interrupted: finishing the write under way and recording it first…');
    return true;
  }

  /** Approve a prepared command's steps (the one path below), then apply them, or preview under --dry-run. */
  async run<R>(p: Prepared<R>): Promise<R> {
    return (await this.approve(p.steps, p.question)) ? p.apply() : p.preview();
  }

  /**
   * The one approval path. Every command plans first, then comes here once with its steps:
   * --dry-run shows the plan with the equivalent aws commands and returns false (apply nothing);
   * creating alone needs no confirmation (unless `wholePlan`: init shows and confirms its whole plan);
   * a change to an existing resource is shown, then applied with --yes, confirmed on a terminal
   * (declined: exit 130), or refused without a terminal (exit 2, nothing changed).
   */
  async approve(steps: PlanStep[], options: ApproveOptions | string = {}): Promise<boolean> {
    const o: ApproveOptions = typeof options === 'string' ? { question: options } : options;
    this.planned.push(...steps);
    // Changing or deleting an existing resource needs an approval; creating alone does not.
    const changes = steps.some((s) => s.action !== 'create');
    if (steps.length === 0) {
      if (o.nothingToDo) this.out.info(this.out.c.dim(o.nothingToDo));
      return true;
    }
    if (!this.dryRun && !changes && !o.wholePlan) return true;
    const text = renderPlan(steps, this.out, { showCli: this.dryRun });
    this.out.err(o.wholePlan ? `\n${this.out.c.bold('Plan')}\n${text}\n` : text);
    if (this.dryRun) return false;
    if (this.yes) {
      if (!o.wholePlan) this.out.info(this.out.c.dim('(auto-confirmed with --yes)'));
      return true;
    }
    if (this.canPrompt) {
      // Enter accepts what only adds; anything that deletes or takes something away defaults to No.
      const ok = await this.prompt.confirm({ message: o.question ?? 'Apply these changes?', default: !steps.some(takesAway) });
      if (!ok) throw new CancelledError('Nothing was changed.', o.cancelHint);
      return true;
    }
    if (!changes) return true;
    throw new UsageError(
      o.wholePlan ? 'This changes existing resources (see the plan) and there is no terminal to confirm it: pass --yes to apply it.' : 'This changes an existing resource and there is no terminal to confirm it: pass --yes to apply it.',
      'Or run with --dry-run to see the plan only.',
    );
  }
}

/** A step that deletes a resource or removes something from one (a `- ` line in its diff). */
export const takesAway = (s: PlanStep): boolean => s.action === 'delete' || (s.diff ?? []).some((d) => d.startsWith('- '));

export interface ApproveOptions {
  /** The confirmation question. */
  question?: string;
  /** One plan for a whole run (init): shown under a heading and confirmed on a terminal even when it only creates. */
  wholePlan?: boolean;
  /** Said when there is nothing to do. */
  nothingToDo?: string;
  /** The hint of the CancelledError when the person declines. */
  cancelHint?: string;
}

/** What the program shares with its commands: the dependencies, and the Ctx of the running command (for the error path). */
export interface Holder {
  ctx?: Ctx;
  deps?: Deps;
}

/** Commands that never write the state file (so need no writable one). */
const READ_ONLY_COMMANDS = new Set(['doctor', 'status', 'remove-callback']);

/**
 * An ID flag given an empty value (`--gateway-id ""`, `--pool-id ""`, `--client-id ""`: an unset
 * shell variable) is a usage error, never "not given": falling back to the state file's ID would act
 * on another resource than the one meant.
 */
export function refuseEmptyIds(opts: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(opts)) {
    if (!/Ids?$/.test(key)) continue;
    const values = Array.isArray(value) ? value : [value];
    if (!values.some((v) => typeof v === 'string' && v.trim() === '')) continue;
    const flag = `--${key.replace(/Ids$/, 'Id').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new UsageError(`${flag} is empty: give it an ID, or leave the flag out to use the state file's.`, 'An empty value often comes from a shell variable that is not set.');
  }
}

/** Wires a commander action: builds the Ctx once, runs the command, prints its result. */
export function runAction<O extends object, R extends object>(
  name: string,
  holder: Holder,
  fn: (opts: O, ctx: Ctx, args: string[]) => Promise<{ result: R; render: (r: R, out: Output) => string; printed?: boolean }>,
) {
  return async (...all: unknown[]) => {
    const cmd = all[all.length - 1] as Command;
    const opts = cmd.optsWithGlobals() as O & GlobalFlags;
    const ctx = new Ctx(name, opts, holder.deps);
    holder.ctx = ctx;
    refuseEmptyIds(opts as Record<string, unknown>);
    ctx.checkGlobalFlags();
    // These never write the state file; every other command records what it sets up.
    if (!ctx.dryRun && !READ_ONLY_COMMANDS.has(name)) ctx.state.assertWritable();
    const { result, render, printed } = await fn(opts, ctx, cmd.args);
    // `printed`: the command printed its result itself (rotate-secret records that the new secret was shown).
    if (printed) return;
    const withPlan = ctx.dryRun ? { dryRun: true, ...result, plan: ctx.planned } : result;
    ctx.out.result(withPlan as R, render as (r: R, out: Output) => string);
  };
}
