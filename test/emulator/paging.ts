/**
 * Small pages for list calls. moto answers every list in one page (or pages of its own); AWS pages
 * (`NextToken`/`PaginationToken`/`nextToken`) and a caller that reads only the first page loses
 * items. The front reads the whole list from moto, then answers pages of at most
 * min(requested maximum, front page size) items with an opaque token bound to the operation and
 * its scope (pool, gateway). Evidence that AWS pages these calls: the SDK declares paginators for
 * each (node_modules/@aws-sdk/client-cognito-identity-provider/dist-types/pagination/
 * {ListUserPools,ListUserPoolClients,ListResourceServers,ListUsers,ListGroups,
 * AdminListGroupsForUser}Paginator.d.ts; client-bedrock-agentcore-control/dist-types/pagination/
 * {ListGateways,ListGatewayTargets}Paginator.d.ts).
 */
import { AwsError, type Service } from './protocol';

interface Token {
  k: string;
  o: number;
}

export function encodeToken(key: string, offset: number): string {
  return Buffer.from(JSON.stringify({ k: key, o: offset } satisfies Token), 'utf8').toString('base64url');
}

function decodeToken(service: Service, key: string, token: string): number {
  let t: Token | undefined;
  try {
    t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Token;
  } catch {
    t = undefined;
  }
  if (!t || t.k !== key || !Number.isInteger(t.o) || t.o < 0) {
    // Cognito: InvalidParameterException; AgentCore: ValidationException (SDK-modelled errors of the List operations).
    throw service === 'cognito-idp'
      ? AwsError.of(service, 'InvalidParameterException', 'Invalid pagination token.')
      : AwsError.of(service, 'ValidationException', 'Invalid nextToken provided.');
  }
  return t.o;
}

/** One page of `items` for a request that asked for at most `requested` after `token`. */
export function page<T>(service: Service, key: string, items: T[], requested: number | undefined, token: string | undefined, pageSize: number): { items: T[]; next?: string } {
  const start = token ? decodeToken(service, key, token) : 0;
  const size = Math.max(1, Math.min(requested && requested > 0 ? requested : Number.MAX_SAFE_INTEGER, pageSize));
  const slice = items.slice(start, start + size);
  const end = start + slice.length;
  return { items: slice, ...(end < items.length ? { next: encodeToken(key, end) } : {}) };
}
