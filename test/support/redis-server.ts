// A private redis-server for tests that stop, freeze, flush or kill Redis: never the machine's own on 6379.
// No persistence (--save "" --appendonly no): a restart comes back empty, as a Redis without disk would.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Whether a redis-server process is running (stopped or frozen counts as not running / running). */
  readonly running: boolean;
  /** Starts it again on the same port (after stop() or kill()); resolves once it accepts connections. */
  start(): Promise<void>;
  /** SHUTDOWN-like stop (SIGTERM), nothing saved; resolves when the process is gone. */
  stop(): Promise<void>;
  /** SIGKILL; resolves when the process is gone. */
  kill(): Promise<void>;
  /** SIGSTOP: the port stays open but nothing answers (a hung Redis, or a network black hole). */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** FLUSHALL through a short-lived client. */
  flushall(): Promise<void>;
  /** Stops the server and removes its folder. Idempotent. */
  close(): Promise<void>;
}

/** A TCP port nothing listens on right now. */
export function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  const port = options.port ?? (await sparePort());
  if (port === 6379) throw new Error('refusing to run a test Redis on 6379: that is the machine’s own');
  const dir = mkdtempSync(join(tmpdir(), 'centinela-redis-'));
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let frozen = false;

  const launch = (): Promise<void> => {
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'notice'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    void exited.then(() => {
      if (child === proc) child = null;
    });
    // Event-driven: redis-server logs this line once the port accepts connections.
    return new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => fail(new Error(`redis-server on ${port} not ready after 10 s:\n${output}`)), 10_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (/Ready to accept connections/.test(output)) {
          cleanup();
          resolve();
        }
      };
      const onExit = () => fail(new Error(`redis-server on ${port} exited at start:\n${output}`));
      const fail = (error: Error) => {
        cleanup();
        proc.kill('SIGKILL');
        reject(error);
      };
      const cleanup = () => {
        clearTimeout(timer);
        proc.stdout?.off('data', onData);
        proc.off('exit', onExit);
        // Keep draining its output so the pipe never fills up.
        proc.stdout?.resume();
        proc.stderr?.resume();
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      proc.once('exit', onExit);
    });
  };

  const signal = async (name: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc) return;
    if (frozen) {
      proc.kill('SIGCONT');
      frozen = false;
    }
    proc.kill(name);
    await exited;
  };

  await launch();

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return child !== null;
    },
    async start() {
      if (child) throw new Error('redis-server is already running');
      await launch();
    },
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    freeze() {
      if (!child) throw new Error('redis-server is not running');
      child.kill('SIGSTOP');
      frozen = true;
    },
    thaw() {
      if (child && frozen) child.kill('SIGCONT');
      frozen = false;
    },
    async flushall() {
      const client = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0 });
      try {
        await client.connect();
        await client.flushall();
      } finally {
        client.disconnect();
      }
    },
    async close() {
      await signal('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
