/**
 * Created vs adopted, in the state file: what this tool made (teardown may remove it) and what it
 * found and used (never removed). Pure changes of a State, applied under the state file's lock
 * (StateStore.change), so that entries another process wrote meanwhile are kept.
 *
 * Unknown counts as adopted: a resource in neither record (a state file from before the records)
 * is never deleted. A resource recorded as created stays created when a later run adopts it (a
 * re-run finds what the first run made); recording it as created removes it from `adopted`.
 */
import type { Created, Owned, State } from './state.js';
import { recordedIntent } from './intents.js';

export type Origin = 'created' | 'adopted';
/** Single resources (one per state file) and lists. */
export type OwnedKind = 'userPool' | 'domain' | 'resourceServer' | 'clients' | 'users' | 'groups';
const SINGLE = new Set<OwnedKind>(['userPool', 'domain', 'resourceServer']);

const listOf = (o: Owned | undefined, kind: OwnedKind): string[] => {
  const v = o?.[kind];
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
};

/** Whether the state records `id` (of `kind`) as created by this tool. */
export function isCreated(state: State, kind: OwnedKind, id: string): boolean {
  return listOf(state.created, kind).includes(id);
}

/** Whether the state records `id` as adopted (false for unknown: ask isCreated). */
export function isAdopted(state: State, kind: OwnedKind, id: string): boolean {
  return listOf(state.adopted, kind).includes(id);
}

function put<T extends Owned>(o: T | undefined, kind: OwnedKind, id: string): T {
  const next = { ...(o ?? {}) } as T;
  if (SINGLE.has(kind)) (next as Record<string, unknown>)[kind] = id;
  else (next as Record<string, unknown>)[kind] = [...listOf(o, kind).filter((x) => x !== id), id];
  return next;
}

function drop<T extends Owned>(o: T | undefined, kind: OwnedKind, ids: readonly string[]): T | undefined {
  if (!o) return o;
  const next = { ...o } as Record<string, unknown>;
  if (SINGLE.has(kind)) {
    if (typeof o[kind] === 'string' && ids.includes(o[kind])) delete next[kind];
  } else {
    const kept = listOf(o, kind).filter((x) => !ids.includes(x));
    if (kept.length) next[kind] = kept;
    else delete next[kind];
  }
  return tidy(next as T);
}

/** An empty record is left out of the file. */
function tidy<T extends object>(o: T | undefined): T | undefined {
  if (!o) return undefined;
  return Object.values(o).some((v) => v !== undefined) ? o : undefined;
}

/**
 * Record that this run created (or adopted) `id`. Adopting never overrides a created record. A
 * resource found while a Create of ours for it is pending (an intent of that kind and one of
 * `names`, by default its ID: see intents.ts) was made by that Create: it is recorded as created,
 * and the intent is taken back.
 */
export function withOrigin(state: State, origin: Origin, kind: OwnedKind, id: string, names: string | readonly string[] = id): State {
  const intent = recordedIntent(state, kind, typeof names === 'string' ? [names, id] : [...names, id]);
  if (intent) {
    state = { ...state, creating: state.creating!.filter((x) => x !== intent) };
    if (!state.creating!.length) delete state.creating;
    origin = 'created';
  }
  if (origin === 'adopted') {
    if (isCreated(state, kind, id)) return state;
    // A single resource adopted in place of another (a new pool): the old record no longer applies.
    const created = SINGLE.has(kind) ? drop(state.created, kind, listOf(state.created, kind)) : state.created;
    return clean({ ...state, created, adopted: put(state.adopted, kind, id) });
  }
  return clean({ ...state, created: put(state.created, kind, id), adopted: drop(state.adopted, kind, [id]) });
}

/** Forget `ids` of `kind` in both records (they were deleted, or no longer belong to the state). */
export function withoutOwned(state: State, kind: OwnedKind, ids: readonly string[]): State {
  return clean({ ...state, created: drop(state.created, kind, ids), adopted: drop(state.adopted, kind, ids) });
}

/** The client IDs this tool added to a gateway's allowedClients. */
export function gatewayClientsAdded(state: State, gatewayId: string): string[] {
  return state.created?.gatewayClients?.find((g) => g.gatewayId === gatewayId)?.clientIds ?? [];
}

/** The allowed scopes and MCP versions this tool added to a gateway (kept by teardown, and said so). */
export function gatewayExtrasAdded(state: State, gatewayId: string): { allowedScopes: string[]; supportedVersions: string[] } {
  const g = state.created?.gatewayClients?.find((x) => x.gatewayId === gatewayId);
  return { allowedScopes: g?.allowedScopes ?? [], supportedVersions: g?.supportedVersions ?? [] };
}

const union = (a: readonly string[], b: readonly string[]) => [...a, ...b.filter((x, i) => !a.includes(x) && b.indexOf(x) === i)];

/**
 * Record clients added to (add) or removed from (remove) a gateway's allowedClients by this tool;
 * with `add`, also the allowed scopes and MCP versions it added. The record goes once no client is left in it.
 */
export function withGatewayClients(state: State, gatewayId: string, clientIds: readonly string[], op: 'add' | 'remove', extras: { allowedScopes?: string[]; supportedVersions?: string[] } = {}): State {
  const all = state.created?.gatewayClients ?? [];
  const had = gatewayClientsAdded(state, gatewayId);
  const ids = op === 'add' ? union(had, clientIds) : had.filter((id) => !clientIds.includes(id));
  const others = all.filter((g) => g.gatewayId !== gatewayId);
  const prev = gatewayExtrasAdded(state, gatewayId);
  const scopes = op === 'add' ? union(prev.allowedScopes, extras.allowedScopes ?? []) : prev.allowedScopes;
  const versions = op === 'add' ? union(prev.supportedVersions, extras.supportedVersions ?? []) : prev.supportedVersions;
  const entry = { gatewayId, clientIds: ids, ...(scopes.length ? { allowedScopes: scopes } : {}), ...(versions.length ? { supportedVersions: versions } : {}) };
  const gatewayClients = ids.length ? [...others, entry] : others;
  const created: Created = { ...(state.created ?? {}) };
  if (gatewayClients.length) created.gatewayClients = gatewayClients;
  else delete created.gatewayClients;
  return clean({ ...state, created });
}

function clean(state: State): State {
  const next: State = { ...state, created: tidy(state.created), adopted: tidy(state.adopted) };
  if (!next.created) delete next.created;
  if (!next.adopted) delete next.adopted;
  return next;
}
