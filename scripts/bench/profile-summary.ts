// Summarises a V8 .cpuprofile (node --cpu-prof) by where the self time went: per package (or src/ file) and the
// hottest functions. Enough to tell SQLite from BullMQ from the twilio SDK without opening DevTools.
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scripts/bench/fanout.ts --members 3000
//   tsx scripts/bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile [--top 25] [--inclusive sendMessage,markSent]
//
// --inclusive: for each named function, the share of samples with it anywhere on the stack (time spent in it and
// everything it called), e.g. how much of a run went to one service call.
import { readFileSync } from 'node:fs';
import { flag, numberFlag } from './support.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [--top N]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const top = numberFlag('top', 25);

// Self time per node: each sample's delta belongs to the node on top of the stack.
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const byGroup = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (us === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  add(byGroup, group(url, functionName), us);
  add(byFunction, `${functionName || '(anonymous)'}  ${shortUrl(url)}:${lineNumber + 1}`, us);
}

const inclusive = flag('inclusive');
if (inclusive) printInclusive(inclusive.split(','));

console.log(`total sampled: ${(total / 1e6).toFixed(2)} s\n\nself time by package / file:`);
print(byGroup, top);
console.log('\nhottest functions (self time):');
print(byFunction, top);

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

/** node_modules/<pkg>, a src/ file, node internals, or V8's own buckets ((garbage collector), (idle), …). */
function group(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url;
  const own = /\/(src|scripts|test)\/(.*)$/.exec(url);
  return own ? `${own[1]}/${own[2]}` : url;
}

function shortUrl(url: string): string {
  return url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|scripts|test)\//, '$1/');
}

function print(map: Map<string, number>, limit: number): void {
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    console.log(`${((us / total) * 100).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
  }
}

function printInclusive(names: string[]): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const hits = new Map<string, number>(names.map((name) => [name, 0]));
  profile.samples.forEach((id, i) => {
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) onStack.add(byId.get(at)?.callFrame.functionName ?? '');
    for (const name of names) if (onStack.has(name)) hits.set(name, (hits.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  console.log('inclusive time (function and all it calls):');
  for (const [name, us] of hits) console.log(`${((us / total) * 100).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
  console.log('');
}
