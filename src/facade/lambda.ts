/**
 * Lambda function URL → the façade handler, with response streaming (invoke mode RESPONSE_STREAM):
 * the runtime's `awslambda.streamifyResponse` hands the handler a writable stream, and
 * `awslambda.HttpResponseStream.from` sends the status, headers and cookies as the prelude before
 * the first body byte. Set-Cookie travels in the prelude's `cookies`, as function URLs require.
 * A body-less response (a redirect) still writes one empty chunk before ending: without a write the
 * runtime never sends the prelude (aws-lambda-nodejs-runtime-interface-client#97).
 *
 * `awslambda` is a global of the Node.js runtime with no package; it is declared here and injected
 * in tests.
 */
import type { FacadeHandler } from './index.js';

/** The payload format 2.0 event a function URL sends (only what the façade reads). */
export interface FunctionUrlEvent {
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { domainName?: string; http: { method: string } };
}

export interface ResponseStreamLike {
  write(chunk: Uint8Array | string): boolean | void;
  end(): void;
  once?(event: string, listener: () => void): unknown;
  on?(event: string, listener: () => void): unknown;
  destroyed?: boolean;
}

export interface AwsLambdaGlobal {
  streamifyResponse<H>(handler: H): H;
  HttpResponseStream: {
    from(stream: ResponseStreamLike, prelude: { statusCode: number; headers?: Record<string, string>; cookies?: string[] }): ResponseStreamLike;
  };
}

export function eventToRequest(event: FunctionUrlEvent, signal?: AbortSignal): Request {
  const method = event.requestContext.http.method;
  const headers = new Headers();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers.set(k, v);
  if (event.cookies?.length) headers.set('cookie', event.cookies.join('; '));
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const hasBody = method !== 'GET' && method !== 'HEAD' && event.body !== undefined;
  const body = hasBody ? Buffer.from(event.body!, event.isBase64Encoded ? 'base64' : 'utf8') : undefined;
  return new Request(`http://facade.invalid${event.rawPath.startsWith('/') ? event.rawPath : '/'}${query}`, { method, headers, body, signal });
}

function prelude(response: Response): { statusCode: number; headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  return { statusCode: response.status, headers, cookies: response.headers.getSetCookie() };
}

export async function writeResponse(awslambda: AwsLambdaGlobal, raw: ResponseStreamLike, response: Response): Promise<void> {
  const stream = awslambda.HttpResponseStream.from(raw, prelude(response));
  if (!response.body) {
    stream.write('');
    stream.end();
    return;
  }
  const reader = response.body.getReader();
  let wrote = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      wrote = true;
      if (stream.write(value) === false && stream.once) {
        await new Promise<void>((resolve) => stream.once!('drain', resolve));
      }
      if (stream.destroyed) {
        await reader.cancel().catch(() => {});
        break;
      }
    }
  } finally {
    if (!wrote) stream.write('');
    stream.end();
  }
}

/** The streaming handler: `getHandler` builds (once, at cold start) the façade for this function. */
export function streamingHandler(
  awslambda: AwsLambdaGlobal,
  getHandler: (event: FunctionUrlEvent) => Promise<FacadeHandler>,
): (event: FunctionUrlEvent, responseStream: ResponseStreamLike) => Promise<void> {
  return awslambda.streamifyResponse(async (event: FunctionUrlEvent, responseStream: ResponseStreamLike) => {
    const abort = new AbortController();
    responseStream.on?.('close', () => abort.abort());
    const handler = await getHandler(event);
    const response = await handler(eventToRequest(event, abort.signal));
    await writeResponse(awslambda, responseStream, response);
  });
}

/** The buffered alternative (invoke mode BUFFERED, or API Gateway HTTP API): no streaming, 6 MB limit. */
export function bufferedHandler(
  getHandler: (event: FunctionUrlEvent) => Promise<FacadeHandler>,
): (event: FunctionUrlEvent) => Promise<{ statusCode: number; headers: Record<string, string>; cookies: string[]; body: string; isBase64Encoded: boolean }> {
  return async (event) => {
    const handler = await getHandler(event);
    const response = await handler(eventToRequest(event));
    const body = Buffer.from(await response.arrayBuffer());
    return { ...prelude(response), body: body.toString('base64'), isBase64Encoded: true };
  };
}
