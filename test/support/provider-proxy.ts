// An HTTP proxy between the system under test and the fake Twilio, for faults the fake itself has no switch for:
// slow requests (so that a crash catches some on the way to the provider and some whose answer is on the way
// back), and failures of every request, message-list lookups included (fake.failAll only fails creates).
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** 'create' (POST .../Messages.json), 'list' (GET .../Messages.json), or 'other'. */
  kind: 'create' | 'list' | 'other';
  /** The To of a create, or the To filter of a list. */
  to: string | null;
  /**
   * forwarded: reached the provider. failed: answered by the proxy with an error. dropped: the sender went away
   * while the proxy held the request, so it never reached the provider.
   */
  outcome: 'forwarded' | 'failed' | 'dropped';
  at: number;
}

export interface ProviderProxy {
  /** Base URL to give the system as TWILIO_API_BASE_URL. */
  readonly url: string;
  readonly requests: ProxiedRequest[];
  /**
   * Creates are held a random time up to `beforeMs` before they are passed on (a sender that dies meanwhile never
   * reaches the provider; random, so that a burst of sends is spread out), and their answers `afterMs` before they
   * are passed back (a sender that dies meanwhile never learns that the provider accepted its message). Zeros
   * turn it off.
   */
  slowCreates(delays: { beforeMs: number; afterMs: number }): void;
  /** Message-list lookups matching `to` (default: any) are answered with `status` and reach nobody, `count` times. */
  failLists(count: number, status: number, to?: (to: string | null) => boolean): void;
  /** Resolves once no request is held or waiting on the provider. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const TWILIO_CODES: Record<number, number> = { 429: 20429, 500: 20500, 503: 20503 };

export async function startProviderProxy(target: string): Promise<ProviderProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  let slow = { beforeMs: 0, afterMs: 0 };
  let listFailures: { remaining: number; status: number; to: (to: string | null) => boolean } | null = null;
  let pending = 0;
  let settledWaiters: Array<() => void> = [];
  const done = () => {
    pending -= 1;
    if (pending === 0) {
      const waiters = settledWaiters;
      settledWaiters = [];
      for (const wake of waiters) wake();
    }
  };

  const fail = (res: ServerResponse, status: number) => {
    const code = TWILIO_CODES[status] ?? 20000 + status;
    const json = JSON.stringify({ code, message: 'injected by the test proxy', more_info: `https://www.twilio.com/docs/errors/${code}`, status });
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer, senderGone: () => boolean) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const method = req.method ?? 'GET';
    const messages = url.pathname.endsWith('/Messages.json');
    const kind: ProxiedRequest['kind'] = messages && method === 'POST' ? 'create' : messages && method === 'GET' ? 'list' : 'other';
    const to = kind === 'create' ? new URLSearchParams(body.toString('utf8')).get('To') : url.searchParams.get('To');
    const record = (outcome: ProxiedRequest['outcome']) => requests.push({ method, kind, to, outcome, at: Date.now() });

    if (kind === 'list' && listFailures && listFailures.remaining > 0 && listFailures.to(to)) {
      listFailures.remaining -= 1;
      record('failed');
      fail(res, listFailures.status);
      return;
    }
    const before = kind === 'create' ? Math.round(Math.random() * slow.beforeMs) : 0;
    const after = kind === 'create' ? slow.afterMs : 0;
    pending += 1;
    const forward = () => {
      if (senderGone()) {
        record('dropped');
        done();
        return;
      }
      record('forwarded');
      const outgoing = httpRequest(
        { host: upstream.hostname, port: upstream.port, method, path: req.url, headers: { ...req.headers, host: upstream.host }, agent },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => {
            const relay = () => {
              // A sender that is gone (killed) never hears that the provider accepted its message.
              if (!senderGone()) {
                res.writeHead(answer.statusCode ?? 502, answer.headers);
                res.end(Buffer.concat(chunks));
              }
              done();
            };
            if (after > 0) setTimeout(relay, after);
            else relay();
          });
        },
      );
      outgoing.on('error', () => {
        if (!res.headersSent && !senderGone()) fail(res, 502);
        done();
      });
      outgoing.end(body);
    };
    if (before > 0) setTimeout(forward, before);
    else forward();
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let gone = false;
    res.on('close', () => {
      if (!res.writableFinished) gone = true;
    });
    req.on('error', () => undefined);
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks), () => gone || res.destroyed));
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    slowCreates(delays) {
      slow = { ...delays };
    },
    failLists(count, status, to = () => true) {
      listFailures = { remaining: count, status, to };
    },
    settled() {
      if (pending === 0) return Promise.resolve();
      return new Promise((resolve) => settledWaiters.push(resolve));
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await closed;
    },
  };
}
