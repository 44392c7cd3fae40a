/** The shapes of init: its flags, the facts its questions read, the answers, the result. */
import type { InitPoolFlags, InitPoolInput, InitPoolResult } from '../../workflows/init-pool.js';
import type { CreateClientInput, CreateClientResult } from '../../workflows/create-client.js';
import type { CreateUserInput, CreateUserResult } from '../../workflows/create-user.js';
import type { AuthorizeClientResult } from '../../workflows/authorize-client.js';
import type { CopilotStudioForm } from '../../lib/copilot-form.js';
import type { PasswordPolicy } from '../../domain/oauth.js';
import type { GetGatewayResponse } from '../../aws/agentcore.js';

export interface InitFlags extends InitPoolFlags {
  region?: string;
  // create-client
  copilotStudio?: boolean;
  clientName?: string;
  callbackUrl?: string[];
  logoutUrl?: string[];
  accessTokenValidity?: string;
  /** How Copilot Studio signs in: manual (its Manual OAuth form), dynamic (Dynamic discovery through the OAuth façade) or both. */
  copilotStudioOauth?: string;
  m2m?: boolean;
  m2mName?: string;
  /** Also create the OAuth façade's own client (with facade serve's default callback). */
  facadeClient?: boolean;
  envFile?: string;
  dotenv?: string;
  forceEnvFile?: boolean;
  // authorize-client
  gatewayId?: string;
  gateway?: boolean;
  /** MCP versions the gateway should speak, added to supportedVersions (--mcp-version, repeatable). */
  mcpVersion?: string[];
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
  /** The status of the user an e-mail address belongs to (as the pool names users: steps/user/create.ts findUser), undefined when there is none. */
  userStatus(poolId: string, email: string): Promise<string | undefined>;
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
  /** Copilot Studio signs in with Dynamic discovery through the OAuth façade (not its Manual form). */
  copilotDynamic?: boolean;
  /** With copilotDynamic: whether the Manual OAuth form is wanted too (false: no secret is shown). */
  copilotManual?: boolean;
  m2m?: CreateClientInput;
  /** The OAuth façade's own client (--facade-client). */
  facade?: CreateClientInput;
  user?: CreateUserInput & { exists?: string };
  /** MCP versions to add to the gateway's supportedVersions (besides a Copilot Studio client's). */
  mcpVersions?: string[];
  wait: boolean;
  waitTimeoutSeconds?: number;
  doctor: boolean;
}

export interface InitResult extends Omit<InitPoolResult, 'created' | 'updated'> {
  clients: CreateClientResult[];
  copilotStudio?: CopilotStudioForm;
  /** Dynamic discovery chosen: the command that deploys the façade for Copilot Studio, and the steps in Copilot Studio after it. */
  copilotStudioDynamic?: { command: string; steps: string[] };
  gateway?: GatewayStepResult;
  user?: CreateUserResult;
  doctor?: DoctorStepResult;
  next?: string;
  /** Set by --dry-run (with `plan`). */
  dryRun?: boolean;
  created: string[];
  updated: string[];
}

export type GatewayStepResult = Partial<AuthorizeClientResult> & { gatewayId: string; updated: boolean; skipped?: boolean; message: string };

export interface DoctorStepResult {
  summary?: { pass: number; warn: number; fail: number; skip: number };
  /** The checks that did not pass (id, status, title, fix). */
  findings: { id: string; status: string; title: string; fix?: string }[];
  /** Steps only a person can take (doctor's nextSteps: register the redirect URL Copilot Studio shows…). */
  nextSteps?: string[];
  /** Why doctor could not run. */
  error?: string;
}

