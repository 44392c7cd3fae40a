/**
 * Issue 17, point 4, on the wire: a throttled AddPermission (our fixed statement ID), PutParameter
 * and PutRolePolicy are sent again by the SDK's retry strategy (src/aws/clients.ts baseConfig:
 * adaptive, 3 attempts), against a loopback server that answers the services' throttling errors
 * once. (aws-sdk-client-mock replaces `send`, so the retry middleware never runs under it.)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lambdaApi } from '../../src/aws/lambda.js';
import { ssmApi } from '../../src/aws/ssm.js';
import { iamApi } from '../../src/aws/iam.js';
import { memoryIntents } from '../../src/lib/intents.js';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

let endpoint = '';
const seen: string[] = [];
let throttleNext = new Set<string>();
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target ? target.split('.').pop()! : /Action=([A-Za-z]+)/.exec(body)?.[1] ?? (req.url?.endsWith('/policy') ? 'AddPermission' : req.url ?? '?');
    seen.push(op);
    const throttle = throttleNext.delete(op);
    if (op === 'AddPermission') {
      if (throttle) {
        res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' });
        return res.end(JSON.stringify({ message: 'Rate exceeded', Type: 'User', Reason: 'CallerRateLimitExceeded' }));
      }
      res.writeHead(201, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ Statement: '{"Sid":"FacadeFunctionUrlPublic"}' }));
    }
    if (op === 'PutParameter') {
      if (throttle) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        return res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      return res.end(JSON.stringify({ Version: 1, Tier: 'Standard' }));
    }
    if (op === 'PutRolePolicy') {
      if (throttle) {
        res.writeHead(400, { 'content-type': 'text/xml' });
        return res.end('<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r1</RequestId></ErrorResponse>');
      }
      res.writeHead(200, { 'content-type': 'text/xml' });
      return res.end('<PutRolePolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></PutRolePolicyResponse>');
    }
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ __type: 'InvalidParameterException', message: `unexpected ${op}` }));
  });
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => {
  seen.length = 0;
  throttleNext = new Set();
});

const settings = () => ({ region: 'us-east-1', endpoint, log: () => undefined, intents: memoryIntents() });

describe('idempotent writes throttled once are sent again (the SDK retry strategy), once each', () => {
  it('AddPermission with our fixed statement ID', async () => {
    throttleNext.add('AddPermission');
    const api = await lambdaApi(settings());
    expect(await api.addPermission({ FunctionName: 'f', StatementId: 'FacadeFunctionUrlPublic', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' })).toBe('added');
    expect(seen).toEqual(['AddPermission', 'AddPermission']);
  });

  it('PutParameter', async () => {
    throttleNext.add('PutParameter');
    const api = await ssmApi(settings());
    expect(await api.putSecureString('/mcp-cognito/f/signing-key', 'v', { overwrite: false, description: 'd' })).toBe('written');
    expect(seen).toEqual(['PutParameter', 'PutParameter']);
  });

  it('PutRolePolicy', async () => {
    throttleNext.add('PutRolePolicy');
    const api = await iamApi(settings());
    await api.putRolePolicy('f-role', 'facade-runtime', '{"Version":"2012-10-17","Statement":[]}');
    expect(seen).toEqual(['PutRolePolicy', 'PutRolePolicy']);
  });
});
