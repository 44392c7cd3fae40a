/**
 * Intents of Creates, in the state file (`creating`, see Intent in state.ts): src/aws/create-once.ts
 * writes one before it sends a Create and takes it back only when it knows what happened, so that
 * what a Create made is never mistaken for somebody else's:
 *
 * - the Create answered, or what it made was found: the intent stays until the command records
 *   the resource as created (ownership.ts withOrigin takes it away), so a kill in between is
 *   resumed by a re-run that finds the resource by name and records it as **created**; kinds the
 *   state does not record one by one (the façade's pieces, which its own record covers, a client's
 *   branding) are taken back at once;
 * - the Create certainly made nothing (a final answer, throttling): taken back;
 * - it may have made something that was not found: kept. A re-run looks by name first, for as long
 *   as a late Create may still land, and records what it finds as created.
 */
import type { Intent, State, StateStore } from './state.js';

/** What a Create makes: the state's ownership kinds (ownership.ts), and the façade's pieces. */
export type IntentKind = 'userPool' | 'domain' | 'resourceServer' | 'clients' | 'users' | 'groups' | 'branding' | 'role' | 'function' | 'functionUrl';

/** One Create: its kind, the name it is found by, and where (the pool ID; the Region for a pool). */
export interface CreateIntent {
  kind: IntentKind;
  name: string;
  in?: string;
}

/** Kinds recorded in the state's created/adopted records: their intent is taken back by that record. */
const RECORDED = new Set<string>(['userPool', 'domain', 'resourceServer', 'clients', 'users', 'groups']);
/** Kinds inside a pool: their intent's `in` is the pool ID. */
const IN_POOL = new Set<string>(['domain', 'resourceServer', 'clients', 'users', 'groups', 'branding']);

const same = (a: Intent, b: CreateIntent) => a.kind === b.kind && a.name === b.name && (a.in ?? '') === (b.in ?? '');

/** The intent of this Create in the state, if one is pending. */
export function findIntent(state: State, i: CreateIntent): Intent | undefined {
  return state.creating?.find((x) => same(x, i));
}

function withCreating(state: State, creating: Intent[]): State {
  const { creating: _old, ...rest } = state;
  return creating.length ? { ...rest, creating } : rest;
}

/** The state with this Create's intent written (replacing an earlier one of the same Create). */
export function withIntent(state: State, i: CreateIntent, now: Date): State {
  const mine: Intent = { kind: i.kind, name: i.name, ...(i.in ? { in: i.in } : {}), status: 'creating', since: now.toISOString() };
  return withCreating(state, [...(state.creating ?? []).filter((x) => !same(x, i)), mine]);
}

/** The state without this Create's intent. */
export function withoutIntent(state: State, i: CreateIntent): State {
  if (!findIntent(state, i)) return state;
  return withCreating(state, (state.creating ?? []).filter((x) => !same(x, i)));
}

/** The state without the intents `drop` selects (what a finished command knows is settled). */
export function withoutIntents(state: State, drop: (i: Intent) => boolean): State {
  const kept = (state.creating ?? []).filter((i) => !drop(i));
  return kept.length === (state.creating ?? []).length ? state : withCreating(state, kept);
}

/**
 * The pending intent of a resource the state records (kind, one of its names), in the state's pool
 * (for a pool: in the state's Region, or anywhere when the state has none).
 */
export function recordedIntent(state: State, kind: string, names: readonly string[]): Intent | undefined {
  return state.creating?.find((x) => x.kind === kind && names.includes(x.name) && (IN_POOL.has(kind) ? x.in === state.userPoolId : !state.region || !x.in || x.in === state.region));
}

/** The state's intents of Creates, as create-once.ts uses them. */
export interface IntentLog {
  /** When an earlier, unresolved Create of this resource was sent (ms since the epoch), if there is one. */
  pending(i: CreateIntent): number | undefined;
  /** Written before the Create is sent. */
  begin(i: CreateIntent): void;
  /** The Create made nothing: taken back. */
  forget(i: CreateIntent): void;
  /** The Create made it (answered, or found afterwards: `late`, after `waitedMs` of looking). */
  made(i: CreateIntent, o?: { late?: boolean; waitedMs?: number; earlierRun?: boolean }): void;
  /** Told before looking, for up to `forMs`, for what an earlier run's Create (sent `agoMs` ago) may have made. */
  waiting?(i: CreateIntent, o: { agoMs: number; forMs: number }): void;
}

const what = (i: CreateIntent) => {
  const label: Record<IntentKind, string> = {
    userPool: 'user pool',
    domain: 'domain',
    resourceServer: 'resource server',
    clients: 'app client',
    users: 'user',
    groups: 'group',
    branding: 'managed-login branding of client',
    role: 'IAM role',
    function: 'Lambda function',
    functionUrl: 'function URL of',
  };
  return `${label[i.kind]} ${i.name}`;
};

/** Intents kept in the state file (under its lock); `say` tells the person when a late Create is found. */
export function stateIntents(store: StateStore, say: (line: string) => void): IntentLog {
  return {
    pending(i) {
      const found = findIntent(store.get(), i);
      const t = found ? Date.parse(found.since) : NaN;
      return Number.isFinite(t) ? t : undefined;
    },
    begin(i) {
      store.change((s) => withIntent(s, i, new Date()));
    },
    forget(i) {
      if (findIntent(store.get(), i)) store.change((s) => withoutIntent(s, i));
    },
    waiting(i, o) {
      if (o.forMs >= 2000) say(`An earlier run began creating the ${what(i)} ${Math.round(o.agoMs / 1000)} s ago and may not have finished: looking for it for up to ${Math.round(o.forMs / 1000)} s before creating it.`);
    },
    made(i, o = {}) {
      if (o.late) {
        const after = o.waitedMs !== undefined && o.waitedMs >= 1000 ? ` after ${Math.round(o.waitedMs / 1000)} s` : '';
        say(
          o.earlierRun
            ? `The ${what(i)} that an earlier, interrupted run was creating exists: it is used, and recorded as created by this tool.`
            : `The answer to creating the ${what(i)} was lost; the ${what(i).replace(/ of$/, '')} it made was found${after} and is used (recorded as created; no second one was made).`,
        );
      }
      // Kept until the command records the resource as created, unless nothing will record it.
      const state = store.get();
      const willRecord = RECORDED.has(i.kind) && (!IN_POOL.has(i.kind) || state.userPoolId === undefined || state.userPoolId === i.in);
      if (!willRecord) store.change((s) => withoutIntent(s, i));
    },
  };
}

/** Intents kept in memory (unit tests of the AWS wrappers; nothing is persisted). */
export function memoryIntents(): IntentLog & { log: string[]; state: State } {
  const box = { state: { version: 1 } as State };
  const log: string[] = [];
  return {
    log,
    get state() {
      return box.state;
    },
    pending(i) {
      const f = findIntent(box.state, i);
      return f ? Date.parse(f.since) : undefined;
    },
    begin(i) {
      log.push(`begin ${i.kind} ${i.name}`);
      box.state = withIntent(box.state, i, new Date());
    },
    forget(i) {
      log.push(`forget ${i.kind} ${i.name}`);
      box.state = withoutIntent(box.state, i);
    },
    made(i, o = {}) {
      log.push(`made ${i.kind} ${i.name}${o.late ? ' late' : ''}`);
      box.state = withoutIntent(box.state, i);
    },
  };
}
