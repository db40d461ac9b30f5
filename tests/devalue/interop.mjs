// Interop driver for tests/devalue/test_interop.py.
//
// Usage: node interop.mjs <path to devalue's src/index.js>
// stdin:  {"reread": [devalue text written by Kite...], "generate": {"seed": n, "count": m}}
// stdout: {"reread": [{"ok": text} | {"error": message}...], "generated": [text...]}
//
// "reread" entries are parsed with devalue.parse and written again with devalue.stringify.
// "generated" entries are random values written by devalue.stringify.

import { pathToFileURL } from "node:url";

const devalue = await import(pathToFileURL(process.argv[2]).href);

class Vector {
  constructor(x, y) {
    this.x = x;
    this.y = y;
  }
}
const reducers = { Vector: (v) => v instanceof Vector && [v.x, v.y] };
const revivers = { Vector: ([x, y]) => new Vector(x, y) };

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(seed) {
  const random = mulberry32(seed);
  const int = (n) => Math.floor(random() * n);
  const pick = (items) => items[int(items.length)];
  const made = [];

  const text = () => {
    const units = [];
    for (let i = int(6); i > 0; i--) {
      units.push(
        pick([
          () => 97 + int(26),
          () => pick([0x3c, 0x22, 0x5c, 0x2028, 0x2029, 0x0, 0x1f, 0x7f, 0xe9, 0x2f]),
          () => 0xd800 + int(0x800), // surrogates, paired or not
          () => int(0x10000),
        ])(),
      );
    }
    return String.fromCharCode(...units);
  };
  const number = () =>
    pick([
      () => int(1000) - 500,
      () => (random() - 0.5) * 10 ** (int(40) - 20),
      () => pick([NaN, Infinity, -Infinity, -0, 0, 1e21, 1e-7, 5e-324, 2 ** 53, 2 ** 53 + 2]),
      () => random() * 2 ** 64,
    ])();
  const key = () => pick([text, () => String(int(20)), () => pick(["01", "-1", "1.5", "then"])])();
  const leaf = () =>
    pick([
      number,
      text,
      () => pick([true, false, null, undefined]),
      () => BigInt(int(1e9)) * BigInt(pick([1, -1, 2 ** 40])),
      () => new Date(pick([0, 1e12, -1e13, 8.64e15, -8.64e15, NaN, int(2e12)])),
      () => pick([/a+/g, /[/]\//, new RegExp(""), /x/dgimsuy, /\p{L}/v, /</]),
      () => new URL(pick(["https://example.com/a?b=c#d", "https://user@xn--r8jz45g.jp/%E3%83%91"])),
      () => new URLSearchParams([[text(), text()], ["a b", "~*'()"]]),
      () => Object(pick([1, "s", true, 7n, NaN, -0])),
      () => new Vector(number(), text()),
      () => {
        const bytes = Uint8Array.from({ length: 8 * int(4) }, () => int(256));
        const kind = pick([Uint8Array, Int16Array, Uint32Array, Float64Array, BigInt64Array, DataView]);
        const size = kind.BYTES_PER_ELEMENT ?? 1;
        const start = size * int(2);
        if (start > bytes.length) return bytes.buffer;
        const count = int((bytes.length - start) / size + 1);
        return random() < 0.5 ? new kind(bytes.buffer) : new kind(bytes.buffer, start, count);
      },
    ])();
  const container = (depth) => {
    const child = () => value(depth + 1);
    return pick([
      () => Array.from({ length: int(5) }, child),
      () => {
        const array = new Array(int(12));
        for (let i = int(3); i > 0; i--) array[int(array.length)] = child();
        return array;
      },
      () => Object.fromEntries(Array.from({ length: int(5) }, () => [key(), child()])),
      () => Object.assign(Object.create(null), Object.fromEntries([[key(), child()]])),
      () => new Map(Array.from({ length: int(4) }, () => [child(), child()])),
      () => new Set(Array.from({ length: int(4) }, child)),
    ])();
  };
  const value = (depth = 0) => {
    if (made.length && random() < 0.1) return pick(made); // shared and cyclic references
    if (depth > 3 || random() < 0.4) return leaf();
    const made_value = container(depth);
    made.push(made_value);
    return made_value;
  };
  return () => {
    const root = value();
    for (let i = int(3); i > 0 && made.length; i--) {
      const holder = pick(made);
      const target = pick(made);
      if (Array.isArray(holder)) holder.push(target);
      else if (holder instanceof Map) holder.set(key(), target);
      else if (holder instanceof Set) holder.add(target);
      else holder[key()] = target;
    }
    return root;
  };
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);

const reread = request.reread.map((text) => {
  try {
    return { ok: devalue.stringify(devalue.parse(text, revivers), reducers) };
  } catch (error) {
    return { error: `${error.name}: ${error.message}` };
  }
});

const generated = [];
const { seed, count } = request.generate;
for (let i = 0; i < count; i++) {
  generated.push(devalue.stringify(generator(seed + i)(), reducers));
}

process.stdout.write(JSON.stringify({ reread, generated }));
