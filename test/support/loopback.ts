/**
 * A loopback HTTP server (127.0.0.1, random port) for the remote-service tests: it records every
 * request and answers from a queue of scripted replies first, then from the service's handler.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query string. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  text: string;
  /** Parsed JSON body, or undefined. */
  body: unknown;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent verbatim (malformed bodies). */
  raw?: string;
  /** Wait before answering (timeouts). */
  delayMs?: number;
  /** Send the headers and this start of the body, then destroy the socket (a reset mid-reply). */
  resetAfter?: string;
  /** Send the headers, then one chunk every `everyMs` until the client gives up (slow-loris). */
  trickle?: { chunk: string; everyMs: number };
}

export type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface Loopback {
  url: string;
  requests: RecordedRequest[];
  /** Replies used, in order, before the handler. */
  queue(...replies: Reply[]): void;
  close(): Promise<void>;
}

export async function startLoopback(handler: Handler): Promise<Loopback> {
  const requests: RecordedRequest[] = [];
  const queued: Reply[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: req.headers,
      text,
      body,
    };
    requests.push(recorded);
    let reply: Reply;
    try {
      reply = queued.shift() ?? (await handler(recorded));
    } catch (err) {
      reply = { status: 500, body: { error: { code: 'TestServerError', message: String(err) } } };
    }
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    if (reply.resetAfter !== undefined) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.write(reply.resetAfter, () => res.socket?.destroy());
      return;
    }
    if (reply.trickle) {
      const { chunk, everyMs } = reply.trickle;
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.flushHeaders();
      const timer = setInterval(() => res.write(chunk), everyMs);
      res.on('close', () => clearInterval(timer));
      return;
    }
    const payload = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    res.writeHead(reply.status, {
      ...(reply.raw === undefined && reply.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...reply.headers,
    });
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    queue: (...replies) => queued.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The bearer token of a request, or undefined. */
export function bearer(req: RecordedRequest): string | undefined {
  const h = req.headers.authorization;
  return typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : undefined;
}

/** OneAPI error body, as the Microsoft services send it. */
export function oneApiError(code: string, message: string, innererror?: Record<string, unknown>): unknown {
  return { error: { code, message, ...(innererror ? { innererror } : {}) } };
}
