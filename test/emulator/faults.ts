/**
 * Fault injection, hooks and the request record of the emulator front (issue 10, item 6).
 *
 * Every AWS API request that reaches the front is recorded (`front.requests`), then matched
 * against the armed faults and hooks of its operation:
 *
 *   request ─▶ record ─▶ [delay] ─▶ [throttle | server-error | reset-before] ─▶ before-hooks
 *           ─▶ the front's rules + moto (the write happens here)
 *           ─▶ after-hooks ─▶ [reset-after | server-error-after] ─▶ answer
 *
 * Kinds (`FaultKind`):
 * - `throttle`: answered without forwarding, with the service's throttling error
 *   (cognito-idp `TooManyRequestsException` HTTP 400; AgentCore `ThrottlingException` HTTP 429).
 *   The SDK retries it.
 * - `server-error`: answered without forwarding, HTTP 500 (`InternalErrorException` /
 *   `InternalServerException`). The SDK retries it.
 * - `reset-before`: the connection is destroyed before anything is forwarded (nothing happened).
 * - `reset-after`: the request is applied (moto and the front's state change) and then the
 *   connection is destroyed: the write happened, the answer is lost.
 * - `server-error-after`: the request is applied, then HTTP 500 is answered: the write happened,
 *   the caller is told it failed.
 * - `delay`: waits `delayMs` before handling the request (then handles it normally).
 *
 * A fault applies to `times` matching requests (default 1; `Infinity` for all) after skipping the
 * first `skip` matching requests (default 0); at most one fault per phase (delay, before, after)
 * applies to a request, the first armed, and a due fault whose phase is taken waits for the next
 * matching request. Each application is counted on the handle (`fired`) and appended to
 * `front.faults.fired`, and the recorded request carries `fault`.
 *
 * Hooks run test code around one operation: `when: 'after'` runs once moto has answered (the
 * read has happened) and before the answer is sent, so a hook after DescribeUserPoolClient changes
 * the client before the caller's next request (its UpdateUserPoolClient) can arrive: exactly
 * "another writer between our read and our write". `when: 'before'` runs before the request is
 * applied. Hooks get SDK clients through the front (`aws`, AWS semantics, never faulted, recorded
 * as `internal`) and straight to moto (`moto`).
 *
 * Requests sent with the header `x-emulator-internal` (the hooks' own clients) are never faulted
 * nor hooked.
 */
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import type { Service } from './protocol';

export type FaultKind = 'throttle' | 'server-error' | 'reset-before' | 'reset-after' | 'server-error-after' | 'delay';

/** Which operations a fault or hook applies to: an SDK operation name, a RegExp over names, or '*'. */
export type OperationMatcher = string | RegExp;

export interface FaultSpec {
  operation: OperationMatcher;
  kind: FaultKind;
  /** How many matching requests it applies to (default 1; Infinity for every one). */
  times?: number;
  /** Matching requests to let through untouched first (default 0). */
  skip?: number;
  /** For `delay`: how long (default 1000 ms). */
  delayMs?: number;
}

export interface FaultHandle {
  readonly spec: FaultSpec;
  /** How many times it has been applied. */
  readonly fired: number;
  /** True when it will not apply again. */
  readonly spent: boolean;
  remove(): void;
}

export interface FaultEvent {
  seq: number;
  operation: string;
  kind: FaultKind;
  at: number;
}

export interface HookContext {
  operation: string;
  service: Service;
  /** The request body (parsed JSON; AgentCore: the body, plus path labels under `$labels`). */
  input: Record<string, unknown>;
  /** For `after` hooks: the parsed answer and its HTTP status. */
  output?: Record<string, unknown>;
  status?: number;
  /** SDK clients through the front (AWS semantics; exempt from faults and hooks). */
  aws: { cognito: CognitoIdentityProviderClient; agentcore: BedrockAgentCoreControlClient };
  /** SDK clients straight to moto (moto's lenient semantics). */
  moto: { cognito: CognitoIdentityProviderClient; agentcore: BedrockAgentCoreControlClient };
}

export interface HookSpec {
  operation: OperationMatcher;
  when?: 'before' | 'after';
  /** How many matching requests it runs for (default 1). */
  times?: number;
  skip?: number;
  run(ctx: HookContext): unknown;
}

export interface HookHandle {
  readonly fired: number;
  readonly spent: boolean;
  remove(): void;
}

/** One request the front received. */
export interface RecordedRequest {
  seq: number;
  service: Service;
  operation: string;
  /** Parsed JSON body (AgentCore: the body; path labels under `$labels`, query under `$query`). */
  input: Record<string, unknown>;
  /** HTTP status answered (undefined when the connection was reset or is still open). */
  status?: number;
  /** The AWS error code answered, if any. */
  error?: string;
  /** The IAM action the caller's enforced policy did not allow (iam-policy.ts), when denied. */
  denied?: string;
  /** The fault applied, if any. */
  fault?: FaultKind;
  /** Sent by the front's own hook clients (x-emulator-internal). */
  internal: boolean;
  at: number;
}

function matches(m: OperationMatcher, operation: string): boolean {
  if (m === '*') return true;
  return typeof m === 'string' ? m === operation : m.test(operation);
}

interface Armed<S> {
  spec: S;
  fired: number;
  seen: number;
  removed: boolean;
}

function limit(spec: { times?: number; skip?: number }) {
  return { times: spec.times ?? 1, skip: spec.skip ?? 0 };
}

export class Faults {
  private armed: Armed<FaultSpec>[] = [];
  private hooks: Armed<HookSpec>[] = [];
  /** Every fault applied, in order. */
  readonly fired: FaultEvent[] = [];

  /** Arms a fault; returns a handle that counts its applications. */
  inject(spec: FaultSpec): FaultHandle {
    const a: Armed<FaultSpec> = { spec, fired: 0, seen: 0, removed: false };
    this.armed.push(a);
    return {
      spec,
      get fired() {
        return a.fired;
      },
      get spent() {
        return a.removed || a.fired >= limit(spec).times;
      },
      remove: () => {
        a.removed = true;
      },
    };
  }

  /** Registers a hook (see the module comment). */
  hook(spec: HookSpec): HookHandle {
    const a: Armed<HookSpec> = { spec, fired: 0, seen: 0, removed: false };
    this.hooks.push(a);
    return {
      get fired() {
        return a.fired;
      },
      get spent() {
        return a.removed || a.fired >= limit(spec).times;
      },
      remove: () => {
        a.removed = true;
      },
    };
  }

  /** Disarms every fault and hook and forgets `fired`. */
  clear(): void {
    this.armed = [];
    this.hooks = [];
    this.fired.length = 0;
  }

  /** The faults that apply to this request, at most one per phase (`delay`, pre, post), consumed. */
  take(operation: string, seq: number): { delayMs?: number; pre?: FaultKind; post?: FaultKind } {
    const out: { delayMs?: number; pre?: FaultKind; post?: FaultKind } = {};
    for (const a of this.armed) {
      if (a.removed || !matches(a.spec.operation, operation)) continue;
      const { times, skip } = limit(a.spec);
      if (a.fired >= times) continue;
      const phase = a.spec.kind === 'delay' ? 'delay' : a.spec.kind === 'reset-after' || a.spec.kind === 'server-error-after' ? 'post' : 'pre';
      // `skip` counts every matching request; a due fault whose phase is taken waits for the next one.
      a.seen++;
      if (a.seen <= skip) continue;
      if ((phase === 'delay' && out.delayMs !== undefined) || (phase === 'pre' && out.pre) || (phase === 'post' && out.post)) continue;
      a.fired++;
      this.fired.push({ seq, operation, kind: a.spec.kind, at: Date.now() });
      if (phase === 'delay') out.delayMs = a.spec.delayMs ?? 1000;
      else if (phase === 'pre') out.pre = a.spec.kind;
      else out.post = a.spec.kind;
    }
    return out;
  }

  /** The hooks to run now for this request (consumed). */
  takeHooks(operation: string, when: 'before' | 'after'): HookSpec[] {
    const out: HookSpec[] = [];
    for (const a of this.hooks) {
      if (a.removed || (a.spec.when ?? 'after') !== when || !matches(a.spec.operation, operation)) continue;
      const { times, skip } = limit(a.spec);
      if (a.fired >= times) continue;
      a.seen++;
      if (a.seen <= skip) continue;
      a.fired++;
      out.push(a.spec);
    }
    return out;
  }
}
