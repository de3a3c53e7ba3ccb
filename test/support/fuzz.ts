// Building blocks for the fuzz test: a small seeded PRNG (so a failing run can be replayed from its seed) and
// generators of hostile strings, form bodies and JSON values.

/** mulberry32: tiny, fast, good enough for test inputs; the same seed gives the same sequence everywhere. */
export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bool(probability = 0.5): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight: `[[3, 'a'], [1, 'b']]` gives 'a' three times as often as 'b'. */
  weighted<T>(entries: ReadonlyArray<readonly [number, T]>): T {
    const total = entries.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [weight, value] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return (entries[entries.length - 1] as readonly [number, T])[1];
  }

  hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += '0123456789abcdef'[this.int(0, 15)];
    return out;
  }
}

/** The seed for this run: FUZZ_SEED=<number> replays a run, FUZZ_SEED=random explores a new one. */
export function fuzzSeed(fallback: number): number {
  const wanted = process.env['FUZZ_SEED'];
  if (wanted === undefined || wanted === '') return fallback;
  if (wanted === 'random') return Math.floor(Math.random() * 0xffffffff) >>> 0;
  const seed = Number(wanted);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer or "random", not ${wanted}`);
  return seed >>> 0;
}

// Strings that have broken parsers, normalizers, regexes, XML writers and SQL before.
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '   \t\r\n  ',
  '\u0000',
  'a\u0000b',
  'STOP\u0000',
  '\uD800', // lone high surrogate
  '\uDFFF', // lone low surrogate
  'x\uDC00\uD800y', // reversed pair
  '\uDBFF\uDFFF', // U+10FFFF
  '\u202E94110 ICE\u202C', // right-to-left override
  '\u200F\u200E', // RTL/LTR marks
  '\u200D', // zero-width joiner
  'S\u200BT\u200CO\u200DP', // zero-width characters inside a keyword
  '\uFEFFSTOP', // byte order mark
  'e\u0301\u0301\u0301', // stacked combining marks
  'Z\u0351\u036B\u0343\u036A\u0302\u036B\u033D\u034F\u0334\u0319\u0324\u031E\u0349\u035A\u032F\u031E\u0320\u034D', // zalgo
  '👨‍👩‍👧‍👦', // ZWJ emoji sequence
  '🏳️‍🌈',
  '🇺🇸🇲🇽🇵🇭',
  '🚨🚨 ICE 🚐',
  '\uFFFE\uFFFF',
  '\uFFFD',
  'İı', // case mapping changes length
  'ß', // uppercases to two letters
  'ﬃ', // NFKD expands
  '٩٤١١٠', // Arabic-Indic digits
  '９４１１０', // full-width digits
  'Ⅻ',
  'لا ميغرا هنا 94110',
  'הגירה 94110',
  '%',
  '%%',
  '%ZZ',
  '%u0041',
  '%00',
  '%C0%AF',
  '+',
  '&',
  '=',
  '&&==&',
  "'; DROP TABLE reports; --",
  'Robert"); DELETE FROM members;--',
  "' OR '1'='1",
  '<script>alert(1)</script>',
  ']]><!--',
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
  '&amp;&lt;&#0;&#xD800;',
  '${jndi:ldap://x.example/a}',
  '{{7*7}}',
  '../../../../etc/passwd',
  '\\\\',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '0',
  '1e309',
  '0x10',
  '1_000',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '\r\nX-Injected: 1',
  // Words the keyword parser looks for, plain and mangled.
  'STOP',
  'stop',
  'Stop.',
  'START',
  'HELP',
  'AYUDA',
  'JOIN',
  'JOIN ABCD 94110',
  'JOIN \u0000 94110',
  'LANG es',
  'LANG \uD800',
  'LANG ' + 'x'.repeat(300),
  'SI',
  'NO',
  'YES',
  'GOING',
  'ON DUTY',
  'OFF DUTY',
  'DRILL',
  'raid 94110',
  'la migra está en 24th y Mission 94110',
  'ICE 94110 94601 10001 00000 99999',
  'ICE at 37.7599,-122.4148',
  'ICE at 91,-181',
  'ICE at NaN,NaN',
];

// Code point ranges random characters are drawn from.
const RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x20, 0x7e], // printable ASCII
  [0x00, 0x1f], // C0 controls
  [0x80, 0xff], // C1 controls and Latin-1
  [0x300, 0x36f], // combining marks
  [0x590, 0x6ff], // Hebrew, Arabic
  [0x200b, 0x206f], // zero-width, bidi controls
  [0x4e00, 0x4eff], // CJK
  [0xd800, 0xdfff], // surrogates, alone
  [0xfff0, 0xffff], // specials, non-characters
  [0x1f300, 0x1faff], // emoji
  [0xe0000, 0xe007f], // tags
  [0x10fff0, 0x10ffff], // the last planes
];

export function randomChars(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const [low, high] = rng.pick(RANGES);
    out += String.fromCodePoint(rng.int(low, high));
  }
  return out;
}

/** A short-ish hostile string: pieces of the list above, random characters and digits, glued together. */
export function hostileString(rng: Rng, maxPieces = 4): string {
  const pieces = rng.int(1, maxPieces);
  let out = '';
  for (let i = 0; i < pieces; i++) {
    out += rng.weighted<() => string>([
      [5, () => rng.pick(HOSTILE_STRINGS)],
      [3, () => randomChars(rng, rng.int(1, 12))],
      [1, () => String(rng.int(0, 99999)).padStart(5, '0')],
      [1, () => ' '],
      [1, () => rng.pick(HOSTILE_STRINGS).repeat(rng.int(2, 200))],
    ])();
  }
  return out;
}

/** A string of about `bytes` UTF-8 bytes, mostly hostile. */
export function hugeString(rng: Rng, bytes: number): string {
  const unit = rng.weighted<string>([
    [3, 'a'],
    [1, 'ICE 94110 '],
    [1, '🚨'],
    [1, 'e\u0301'],
    [1, '\u200D'],
    [1, 'x\u0000'],
    [1, hostileString(rng, 2) || 'z'],
  ]);
  const unitBytes = Buffer.byteLength(unit, 'utf8') || 1;
  return unit.repeat(Math.max(1, Math.floor(bytes / unitBytes)));
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** Percent-encodes every byte of the UTF-8 form (lone surrogates become EF BF BD, as in any encoder). */
export function percentEncode(text: string, spaceAsPlus = false): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (UNRESERVED.test(char)) out += char;
    else if (spaceAsPlus && byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// Raw byte sequences that are not UTF-8 (overlong, surrogates, truncated, out of range), and escapes that do not
// decode. Inserted into form bodies as they are.
const BAD_BYTES: readonly Buffer[] = [
  Buffer.from([0xc0, 0xaf]), // overlong '/'
  Buffer.from([0xe0, 0x80, 0xaf]), // overlong '/', three bytes
  Buffer.from([0xc0, 0x80]), // overlong NUL
  Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate
  Buffer.from([0xf4, 0x90, 0x80, 0x80]), // beyond U+10FFFF
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), // five-byte form
  Buffer.from([0xff]),
  Buffer.from([0xfe, 0xff]),
  Buffer.from([0x80]), // lone continuation byte
  Buffer.from([0xe2, 0x82]), // truncated
  Buffer.from([0x00]),
  Buffer.from('%'),
  Buffer.from('%Z'),
  Buffer.from('%zz'),
  Buffer.from('%E9'), // Latin-1 é, not UTF-8
  Buffer.from('%C0%AF'),
  Buffer.from('%ED%A0%80'),
  Buffer.from('%F4%90%80%80'),
  Buffer.from('%00'),
  Buffer.from('%%25'),
  Buffer.from('&'),
  Buffer.from('='),
  Buffer.from('&=&='),
];

export type Pair = readonly [string, string];

function encodePart(rng: Rng, text: string): string {
  return rng.weighted<() => string>([
    [14, () => percentEncode(text)],
    [2, () => percentEncode(text, true)],
    // Raw: '&', '=', '%' and '+' inside change the structure, as they would from a sloppy client.
    [2, () => text],
    [1, () => encodeURIComponentLoose(text)],
  ])();
}

/** encodeURIComponent, which throws on lone surrogates: then the raw text. */
function encodeURIComponentLoose(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A form body from pairs (repeats allowed), encoded in random ways and sometimes corrupted with raw bad bytes. */
export function encodeForm(rng: Rng, pairs: readonly Pair[]): Buffer {
  const parts: Buffer[] = [];
  if (rng.bool(0.03)) parts.push(Buffer.from(rng.pick(['&', '=', '&&', '?'])));
  pairs.forEach(([key, value], i) => {
    if (i > 0) parts.push(Buffer.from(rng.bool(0.03) ? '&&' : '&'));
    parts.push(Buffer.from(encodePart(rng, key), 'utf8'));
    if (rng.bool(0.02)) return; // a key without '='
    parts.push(Buffer.from('='));
    parts.push(Buffer.from(encodePart(rng, value), 'utf8'));
  });
  if (rng.bool(0.03)) parts.push(Buffer.from(rng.pick(['&', '=', '&&', '&=', '%'])));
  let body = Buffer.concat(parts);
  if (rng.bool(0.2)) {
    const insertions = rng.int(1, 4);
    for (let i = 0; i < insertions; i++) {
      const at = rng.int(0, body.length);
      body = Buffer.concat([body.subarray(0, at), rng.pick(BAD_BYTES), body.subarray(at)]);
    }
  }
  return body;
}

// Keys that have hurt JavaScript objects before: prototype pollution, shadowed methods, odd names.
export const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'toJSON',
  'then',
  'length',
  '',
  ' ',
  '\u0000',
  '\uD800',
  'a.b',
  'a[b]',
  '$where',
  '0',
  '-1',
  'x'.repeat(500),
];

/** A JSON value of any type, nested up to `depth`; objects carry hostile keys now and then. */
export function hostileJson(rng: Rng, depth = 3): unknown {
  const scalar = (): unknown =>
    rng.weighted<() => unknown>([
      [2, () => null],
      [2, () => rng.bool()],
      [
        3,
        () =>
          rng.pick([0, -0, 1, -1, 1.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e308, 5e-324, 94110, 90.000001, -180.5, 200_001]),
      ],
      [4, () => hostileString(rng)],
      [1, () => rng.pick(['NaN', 'Infinity', '-Infinity', '1e3', ' 1', '0x1F', '94110', '2024-02-30T00:00:00Z'])],
    ])();
  if (depth <= 0) return scalar();
  return rng.weighted<() => unknown>([
    [6, scalar],
    [
      2,
      () => {
        const length = rng.weighted<number>([
          [6, rng.int(0, 4)],
          [1, rng.int(100, 3000)],
        ]);
        return Array.from({ length }, () => (length > 50 ? scalar() : hostileJson(rng, depth - 1)));
      },
    ],
    [
      3,
      () => {
        const object: Record<string, unknown> = {};
        const keys = rng.int(0, 5);
        for (let i = 0; i < keys; i++) {
          const key = rng.bool(0.4) ? rng.pick(HOSTILE_KEYS) : hostileString(rng, 1);
          // defineProperty: an own "__proto__" key, as JSON.parse would make, not a prototype change.
          Object.defineProperty(object, key, { value: hostileJson(rng, depth - 1), enumerable: true, writable: true, configurable: true });
        }
        return object;
      },
    ],
  ])();
}

/** `value` with one part changed: a leaf replaced, a key dropped, a hostile key added, or the whole thing wrapped. */
export function mutateJson(rng: Rng, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return rng.bool(0.5) ? hostileJson(rng, 2) : value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const action = rng.weighted<string>([
    [4, 'replace'],
    [3, 'descend'],
    [2, 'drop'],
    [2, 'add'],
    [1, 'wrap'],
  ]);
  const key = keys.length > 0 ? rng.pick(keys) : undefined;
  const set = (k: string, v: unknown) => Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
  switch (action) {
    case 'replace':
      if (key !== undefined) set(key, hostileJson(rng, 2));
      break;
    case 'descend':
      if (key !== undefined) set(key, mutateJson(rng, (copy as Record<string, unknown>)[key]));
      break;
    case 'drop':
      if (key !== undefined && !Array.isArray(copy)) delete copy[key];
      break;
    case 'add':
      if (Array.isArray(copy)) copy.push(hostileJson(rng, 2));
      else set(rng.pick(HOSTILE_KEYS), hostileJson(rng, 2));
      break;
    case 'wrap':
      return rng.bool() ? [copy] : { data: copy };
  }
  return copy;
}

/** JSON text that is broken, or legal but odd (duplicate keys, deep nesting, a BOM, huge numbers). */
export function oddJsonText(rng: Rng, valid: string): string {
  return rng.weighted<() => string>([
    [2, () => valid.slice(0, rng.int(0, Math.max(0, valid.length - 1)))], // truncated
    [1, () => valid.replace(/}$/, ',}')], // trailing comma
    [1, () => valid.replace(/:/, ': NaN, "x":')],
    [1, () => valid.replace(/"/g, "'")], // single quotes
    [1, () => `\uFEFF${valid}`], // byte order mark
    [1, () => `/* c */${valid}`],
    [1, () => `${valid}${valid}`],
    [1, () => valid.replace(/^\{/, '{"__proto__": {"isAdmin": true}, ')],
    [1, () => valid.replace(/^\{/, '{"constructor": {"prototype": {"isAdmin": true}}, ')],
    [1, () => valid.replace(/^\{/, '{"name": "first", "name": 7, ')], // duplicate keys
    [1, () => `${'['.repeat(5000)}${']'.repeat(5000)}`], // deep nesting
    [1, () => `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`],
    [1, () => `{"n": 1${'0'.repeat(400)}}`],
    [1, () => `{"n": 1e999999}`],
    [1, () => `{"s": "\\uD800\\u0000\\uDFFF"}`],
    [1, () => `{"s": "\\u00"}`],
    [1, () => '\u0000'],
    [1, () => 'null'],
    [1, () => 'true'],
    [1, () => '12'],
    [1, () => '"text"'],
    [1, () => '[]'],
  ])();
}
