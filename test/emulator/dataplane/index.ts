/**
 * The emulator's data planes (see ../types.ts): the Cognito issuer host, the user pool domains' hosted UI and
 * OAuth endpoints, and AgentCore gateways' MCP endpoints, addressed by the host a request has on AWS.
 */
import type { CreateDataPlane, DataPlane } from '../types.js';
import { CognitoState } from './cognito-common.js';
import { handleIssuer, discoveryDocument } from './cognito-issuer.js';
import { handleHosted } from './cognito-hosted.js';
import { handleToken } from './cognito-token.js';
import { handleGateway, type Discover } from './gateway.js';
import { sendJson } from './http.js';

const ISSUER_HOST = /^cognito-idp\.([a-z0-9-]+)\.amazonaws\.com$/;
const DOMAIN_HOST = /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.auth\.([a-z0-9-]+)\.amazoncognito\.com$/;
const GATEWAY_HOST = /^([0-9a-z][0-9a-z-]*)\.gateway\.bedrock-agentcore\.([a-z0-9-]+)\.amazonaws\.com$/;
const DISCOVERY_URL = /^https:\/\/cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/([\w-]+_[0-9a-zA-Z]+)\/\.well-known\/openid-configuration$/;

export const createDataPlane: CreateDataPlane = (opts) => {
  const state = new CognitoState(opts);
  const sessions = new Map<string, string>();

  // The gateway reads its discoveryUrl (and the jwks_uri it names) like any HTTP client would; inside the emulator the
  // Cognito issuer documents are served from the same state. Other issuers cannot be reached from here.
  const discover: Discover = async (url) => {
    const m = DISCOVERY_URL.exec(url);
    if (!m || m[1] !== opts.region) return undefined;
    const doc = await discoveryDocument(state, m[2]!);
    if (!doc) return undefined;
    return { issuer: String(doc.issuer), jwks: (await state.keys.jwks(m[2]!)) as unknown as { keys: Record<string, unknown>[] } };
  };

  const plane: DataPlane = {
    async handle(req, res, rawHost) {
      const host = rawHost.trim().toLowerCase().replace(/:443$/, '');
      const url = new URL(req.url ?? '/', `https://${host}`);
      try {
        let m = ISSUER_HOST.exec(host);
        if (m) return m[1] === opts.region ? await handleIssuer(state, req, res, url.pathname) : false;
        m = DOMAIN_HOST.exec(host);
        if (m) {
          if (m[2] !== opts.region) return false;
          const poolId = await state.poolOfDomain(m[1]!);
          // A prefix nobody owns does not resolve on AWS (DNS failure, catalogue A4); here: 404.
          if (!poolId) return sendJson(res, 404, { message: `Unknown domain ${host}` }), true;
          const ctx = { state, poolId, domain: m[1]!, origin: `https://${host}` };
          return (await handleToken(ctx, req, res, url.pathname)) || (await handleHosted(ctx, req, res, url));
        }
        m = GATEWAY_HOST.exec(host);
        if (m) return m[2] === opts.region ? await handleGateway({ opts, discover, sessions }, req, res, host, m[1]!, url.pathname) : false;
        return false;
      } catch (e) {
        if (!res.headersSent) sendJson(res, 500, { message: `emulator data plane: ${(e as Error).message}` });
        else res.end();
        return true;
      }
    },
  };
  return plane;
};
