// Real processes for tests that start the system the way operators do.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// tsx's loader by absolute URL: the processes run in temp folders where `--import tsx` would not resolve.
const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

export interface Running {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first line (past or future) that matches. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs a TypeScript entry point of the project (through tsx, so no build is needed). */
export function runEntry(entry: string, options: { env: Record<string, string>; cwd: string; args?: string[]; input?: string }): Running {
  const child = spawn(process.execPath, ['--import', TSX, `${ROOT}${entry}`, ...(options.args ?? [])], {
    cwd: options.cwd,
    // Only what the test gives, plus PATH (to find redis-server) and HOME: no developer settings leak in.
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  else child.stdin?.end();
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    for (const wake of waiters) wake();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  return {
    child,
    lines,
    exited,
    waitForLine(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find((l) => pattern.test(l));
          if (!line) return false;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(line);
          return true;
        };
        const wake = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; got:\n${lines.join('\n')}`));
        }, timeoutMs);
        waiters.add(wake);
        void exited.then(() => setImmediate(() => check() || (waiters.delete(wake), clearTimeout(timer), reject(new Error(`process exited before printing ${pattern}:\n${lines.join('\n')}`)))));
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The port a fastify process says it listens on. */
export function listeningPort(line: string): number {
  const match = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
  if (!match?.[1]) throw new Error(`not a listening line: ${line}`);
  return Number(match[1]);
}
