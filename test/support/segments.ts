// The tests' own SMS segment counter, written from GSM 03.38 (3GPP TS 23.038) and GSM 03.40 concatenation rules,
// independent of the app's (src/domain/sms-fit.ts uses sms-segments-calculator): a template that fits by one count
// and not the other is a bug in one of them.

/** GSM 03.38 default alphabet, rows 0x00-0x7F, 16 per line; ESC (0x1B) is the escape to the extension table. */
const BASIC_TABLE = [
  ['@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å'],
  ['Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', null, 'Æ', 'æ', 'ß', 'É'],
  [' ', '!', '"', '#', '¤', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/'],
  ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?'],
  ['¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O'],
  ['P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§'],
  ['¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o'],
  ['p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à'],
];
/** The extension table's characters (each sent as ESC + one septet): form feed ^ { } \ [ ~ ] | €. */
const EXTENSION_TABLE = ['\f', '^', '{', '}', '\\', '[', '~', ']', '|', '€'];

const BASIC = new Set(BASIC_TABLE.flat().filter((c): c is string => c !== null));
const EXTENSION = new Set(EXTENSION_TABLE);

export interface Segmentation {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

/** How many SMS segments `text` takes: 160 septets or 70 UCS-2 units alone, 153 or 67 per part when concatenated. */
export function countSegments(text: string): Segmentation {
  const chars = Array.from(text);
  if (chars.every((c) => BASIC.has(c) || EXTENSION.has(c))) {
    const sizes = chars.map((c) => (EXTENSION.has(c) ? 2 : 1));
    return { encoding: 'GSM-7', units: sum(sizes), segments: pack(sizes, 160, 153) };
  }
  // An astral character (emoji) is a surrogate pair: never split across two parts.
  const sizes = chars.map((c) => c.length);
  return { encoding: 'UCS-2', units: sum(sizes), segments: pack(sizes, 70, 67) };
}

/** Fills parts greedily without splitting an escape sequence or a surrogate pair. */
function pack(sizes: number[], single: number, part: number): number {
  const total = sum(sizes);
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > part) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return segments;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
