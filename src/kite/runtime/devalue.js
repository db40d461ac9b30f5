// The devalue wire format (devalue 6.0.3), which carries action data between Kite's server
// (kite.devalue) and this runtime. See shared/reference/devalue-format.md for the format.
//
// `parse` mirrors devalue's own: the same accepted inputs and the same error messages, so
// that a result reads the same here as in a SvelteKit app. `stringify` is needed only for
// results built in the browser (applyAction({type: 'success', data: {...}})): the runtime
// sends `form` back to the server as a devalue string when it asks for a re-render.

const UNDEFINED = -1;
const HOLE = -2;
const NAN = -3;
const POSITIVE_INFINITY = -4;
const NEGATIVE_INFINITY = -5;
const NEGATIVE_ZERO = -6;
const SPARSE = -7;

const TYPED_ARRAYS = new Set([
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Float16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
]);

/**
 * Turns a devalue string back into a value.
 *
 * `revivers` maps custom type names to functions (`transport` decoders); a reviver also
 * replaces a built-in type of the same name. `unknown(type, payload)`, when given, is called
 * for a type that has neither a reviver nor a built-in meaning; without it such a type is an
 * error (`Unknown type <name>`), as in devalue.
 *
 * @param {string} text
 * @param {Record<string, (payload: any) => any>} [revivers]
 * @param {{unknown?: (type: string, payload: any) => any}} [options]
 * @returns {any}
 */
export function parse(text, revivers, options) {
  return unflatten(JSON.parse(text), revivers, options);
}

/**
 * `parse` for input that has already been through `JSON.parse`.
 *
 * @param {unknown} parsed
 * @param {Record<string, (payload: any) => any>} [revivers]
 * @param {{unknown?: (type: string, payload: any) => any}} [options]
 * @returns {any}
 */
export function unflatten(parsed, revivers, options = {}) {
  if (typeof parsed === 'number') return sentinel(parsed, true);
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('Invalid input');

  const values = parsed;
  const hydrated = new Array(values.length);
  const done = new Array(values.length).fill(false);
  /** Slots whose custom reviver is running, to refuse payloads that refer to themselves. */
  const reviving = new Set();

  /** @param {any} index */
  function hydrate(index) {
    if (typeof index !== 'number') throw new Error('Invalid input');
    if (index < 0 && index >= NEGATIVE_ZERO) return sentinel(index, false);
    if (index >= values.length) throw new Error('Invalid input');
    // Other negative or fractional references read as undefined, as devalue's do.
    if (!Number.isInteger(index) || index < 0) return undefined;
    if (done[index]) return hydrated[index];

    const value = values[index];
    if (value === null || typeof value !== 'object') {
      return store(index, value);
    }
    if (!Array.isArray(value)) {
      const object = store(index, {});
      for (const key of Object.keys(value)) {
        if (key === '__proto__') {
          throw new Error('Cannot parse an object with a `__proto__` property');
        }
        object[key] = hydrate(value[key]);
      }
      return object;
    }
    if (typeof value[0] === 'string') return tagged(index, value);
    if (value[0] === SPARSE) return sparse(index, value);

    const array = store(index, new Array(value.length));
    for (let i = 0; i < value.length; i += 1) {
      if (value[i] !== HOLE) array[i] = hydrate(value[i]);
    }
    return array;
  }

  /** Records a slot's value before its children are filled in, so that cycles resolve. */
  function store(index, value) {
    hydrated[index] = value;
    done[index] = true;
    return value;
  }

  function sparse(index, value) {
    const length = value[1];
    if (!Number.isInteger(length) || length < 0 || length > 2 ** 32 - 1) {
      throw new Error('Invalid input');
    }
    const array = store(index, new Array(length));
    for (let i = 2; i < value.length; i += 2) {
      const at = value[i];
      if (!Number.isInteger(at) || at < 0 || at >= length) throw new Error('Invalid input');
      array[at] = hydrate(value[i + 1]);
    }
    return array;
  }

  function tagged(index, value) {
    const type = value[0];
    if (revivers && Object.hasOwn(revivers, type)) {
      return store(index, custom(value, revivers[type]));
    }
    switch (type) {
      case 'Date':
        return store(index, new Date(value[1]));
      case 'Set': {
        const set = store(index, new Set());
        for (let i = 1; i < value.length; i += 1) set.add(hydrate(value[i]));
        return set;
      }
      case 'Map': {
        if ((value.length - 1) % 2 !== 0) throw new Error('Invalid input');
        const map = store(index, new Map());
        for (let i = 1; i < value.length; i += 2) map.set(hydrate(value[i]), hydrate(value[i + 1]));
        return map;
      }
      case 'RegExp':
        return store(index, new RegExp(value[1], value[2]));
      case 'Object':
        return store(index, Object(hydrate(boxedReference(value[1]))));
      case 'BigInt':
        return store(index, BigInt(value[1]));
      case 'null': {
        const object = store(index, Object.create(null));
        for (let i = 1; i < value.length; i += 2) {
          const key = value[i];
          if (typeof key !== 'string') throw new Error('Cannot parse an object with a non-string key');
          if (key === '__proto__') throw new Error('Cannot parse an object with a `__proto__` property');
          object[key] = hydrate(value[i + 1]);
        }
        return object;
      }
      case 'URL':
        return store(index, new URL(value[1]));
      case 'URLSearchParams':
        return store(index, new URLSearchParams(value[1]));
      case 'ArrayBuffer':
        if (typeof value[1] !== 'string') throw new Error('Invalid ArrayBuffer encoding');
        return store(index, decodeBase64(value[1]));
      case 'DataView': {
        const buffer = hydrate(bufferReference(value[1]));
        const view = value[2] === undefined ? new DataView(buffer) : new DataView(buffer, value[2], value[3]);
        return store(index, view);
      }
      default:
        break;
    }
    if (TYPED_ARRAYS.has(type) && typeof globalThis[type] === 'function') {
      const Constructor = globalThis[type];
      const buffer = hydrate(bufferReference(value[1]));
      const array = value[2] === undefined ? new Constructor(buffer) : new Constructor(buffer, value[2], value[3]);
      return store(index, array);
    }
    if (type.startsWith('Temporal.') && globalThis.Temporal?.[type.slice(9)]) {
      return store(index, globalThis.Temporal[type.slice(9)].from(value[1]));
    }
    if (options.unknown) return store(index, custom(value, (payload) => options.unknown(type, payload)));
    throw new Error(`Unknown type ${type}`);
  }

  /** A custom type's payload: a reference, or an inline value for built-in tags. */
  function custom(value, revive) {
    const reference = value[1];
    if (typeof reference !== 'number') return revive(reference);
    if (reviving.has(reference)) throw new Error('Invalid circular reference');
    reviving.add(reference);
    try {
      return revive(hydrate(reference));
    } finally {
      reviving.delete(reference);
    }
  }

  function boxedReference(reference) {
    if (typeof reference !== 'number') throw new Error('Invalid input');
    if (reference === UNDEFINED || reference === HOLE || reference === SPARSE) throw new Error('Invalid input');
    if (reference >= 0) {
      if (reference >= values.length) throw new Error('Invalid input');
      const target = values[reference];
      if (target === null) throw new Error('Invalid input');
      if (typeof target === 'object' && !(Array.isArray(target) && target[0] === 'BigInt')) {
        throw new Error('Invalid input');
      }
    }
    return reference;
  }

  function bufferReference(reference) {
    const target = Number.isInteger(reference) && reference >= 0 ? values[reference] : undefined;
    if (!Array.isArray(target) || target[0] !== 'ArrayBuffer') throw new Error('Invalid input');
    return reference;
  }

  return hydrate(0);
}

function sentinel(index, root) {
  switch (index) {
    case UNDEFINED:
      return undefined;
    case NAN:
      return NaN;
    case POSITIVE_INFINITY:
      return Infinity;
    case NEGATIVE_INFINITY:
      return -Infinity;
    case NEGATIVE_ZERO:
      return -0;
    default:
      if (root) throw new Error('Invalid input');
      return undefined;
  }
}

/** The error `stringify` throws, with devalue's `path` (`.user.created`) to the culprit. */
export class DevalueError extends Error {
  constructor(message, keys, value, root) {
    super(message);
    this.name = 'DevalueError';
    this.path = keys.join('');
    this.value = value;
    this.root = root;
  }
}

const OBJECT_PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype).sort().join('\0');

/**
 * Turns a value into a devalue string, byte for byte as devalue 6.0.3 writes it.
 *
 * `reducers` maps custom type names to functions (`transport` encoders) that return a
 * truthy payload for the values they claim.
 *
 * @param {any} value
 * @param {Record<string, (value: any) => any>} [reducers]
 * @returns {string}
 */
export function stringify(value, reducers) {
  const slots = [];
  const indexes = new Map();
  const custom = reducers ? Object.getOwnPropertyNames(reducers).map((name) => [name, reducers[name]]) : [];
  const keys = [];

  function flatten(thing) {
    if (thing === undefined) return UNDEFINED;
    if (Number.isNaN(thing)) return NAN;
    if (thing === Infinity) return POSITIVE_INFINITY;
    if (thing === -Infinity) return NEGATIVE_INFINITY;
    if (thing === 0 && 1 / thing < 0) return NEGATIVE_ZERO;
    if (indexes.has(thing)) return indexes.get(thing);

    const index = slots.length;
    slots.push('');
    indexes.set(thing, index);

    for (const [name, reduce] of custom) {
      const payload = reduce(thing);
      if (payload) {
        slots[index] = `["${name}",${flatten(payload)}]`;
        return index;
      }
    }
    if (typeof thing === 'function') throw new DevalueError('Cannot stringify a function', keys, thing, value);
    if (typeof thing === 'symbol') {
      throw new DevalueError('Cannot stringify a Symbol primitive', keys, thing, value);
    }
    slots[index] = isPrimitive(thing) ? primitive(thing) : object(thing);
    return index;
  }

  function object(thing) {
    if (typeof thing.then === 'function') {
      throw new DevalueError('Cannot stringify a Promise or thenable — use stringifyAsync instead', keys, thing, value);
    }
    const type = Object.prototype.toString.call(thing).slice(8, -1);
    switch (type) {
      case 'Number':
      case 'String':
      case 'Boolean':
      case 'BigInt':
        return `["Object",${flatten(thing.valueOf())}]`;
      case 'Date':
        return `["Date","${Number.isNaN(thing.getTime()) ? '' : thing.toISOString()}"]`;
      case 'URL':
        return `["URL",${quote(thing.toString())}]`;
      case 'URLSearchParams':
        return `["URLSearchParams",${quote(thing.toString())}]`;
      case 'RegExp':
        return thing.flags
          ? `["RegExp",${quote(thing.source)},"${thing.flags}"]`
          : `["RegExp",${quote(thing.source)}]`;
      case 'Array':
        return array(thing);
      case 'Set':
        return `["Set"${[...thing].map((member) => `,${flatten(member)}`).join('')}]`;
      case 'Map': {
        let text = '["Map"';
        for (const [key, member] of thing) {
          keys.push(`.get(${isPrimitive(key) ? primitive(key) : '...'})`);
          text += `,${flatten(key)},${flatten(member)}`;
          keys.pop();
        }
        return `${text}]`;
      }
      case 'ArrayBuffer':
        return `["ArrayBuffer","${encodeBase64(thing)}"]`;
      case 'DataView': {
        const whole = thing.byteOffset === 0 && thing.byteLength === thing.buffer.byteLength;
        const range = whole ? '' : `,${thing.byteOffset},${thing.byteLength}`;
        return `["DataView",${flatten(thing.buffer)}${range}]`;
      }
      default:
        break;
    }
    if (TYPED_ARRAYS.has(type)) {
      const whole = thing.byteOffset === 0 && thing.byteLength === thing.buffer.byteLength;
      const range = whole ? '' : `,${thing.byteOffset},${thing.length}`;
      return `["${type}",${flatten(thing.buffer)}${range}]`;
    }
    if (type.startsWith('Temporal.')) return `["${type}",${quote(thing.toString())}]`;
    return plainObject(thing);
  }

  function array(thing) {
    const parts = [];
    let holey = false;
    for (let i = 0; i < thing.length; i += 1) {
      if (Object.hasOwn(thing, i)) {
        keys.push(`[${i}]`);
        parts.push(flatten(thing[i]));
        keys.pop();
        continue;
      }
      if (!holey) {
        // At the first hole: holes cost 3 characters each, the sparse form lists the rest.
        const present = Object.keys(thing).filter((key) => isArrayIndex(key, thing.length));
        const digits = String(thing.length).length;
        if ((thing.length - present.length) * 3 > 4 + digits + present.length * (digits + 1)) {
          let text = `[${SPARSE},${thing.length}`;
          for (const key of present) {
            keys.push(`[${key}]`);
            text += `,${key},${flatten(thing[key])}`;
            keys.pop();
          }
          return `${text}]`;
        }
        holey = true;
      }
      parts.push(HOLE);
    }
    return `[${parts.join(',')}]`;
  }

  function plainObject(thing) {
    const proto = Object.getPrototypeOf(thing);
    const plain =
      proto === Object.prototype ||
      proto === null ||
      Object.getPrototypeOf(proto) === null ||
      Object.getOwnPropertyNames(proto).sort().join('\0') === OBJECT_PROTO_NAMES;
    if (!plain) throw new DevalueError('Cannot stringify arbitrary non-POJOs', keys, thing, value);
    const symbols = Object.getOwnPropertySymbols(thing).filter(
      (symbol) => Object.getOwnPropertyDescriptor(thing, symbol).enumerable,
    );
    if (symbols.length > 0) {
      throw new DevalueError('Cannot stringify POJOs with symbolic keys', keys, thing, value);
    }
    const entries = [];
    for (const key in thing) {
      if (!Object.hasOwn(thing, key)) continue;
      if (key === '__proto__') {
        throw new DevalueError('Cannot stringify objects with __proto__ keys', keys, thing, value);
      }
      keys.push(/^[a-zA-Z_$][a-zA-Z_$0-9]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
      entries.push([key, flatten(thing[key])]);
      keys.pop();
    }
    if (proto === null) {
      return `["null"${entries.map(([key, ref]) => `,${quote(key)},${ref}`).join('')}]`;
    }
    return `{${entries.map(([key, ref]) => `${quote(key)}:${ref}`).join(',')}}`;
  }

  const index = flatten(value);
  return index < 0 ? `${index}` : `[${slots.join(',')}]`;
}

function isPrimitive(thing) {
  return Object(thing) !== thing;
}

function isArrayIndex(key, length) {
  return /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < length;
}

function primitive(thing) {
  if (typeof thing === 'string') return quote(thing);
  if (thing === undefined) return String(UNDEFINED);
  if (thing === 0 && 1 / thing < 0) return String(NEGATIVE_ZERO);
  if (typeof thing === 'bigint') return `["BigInt","${thing}"]`;
  return String(thing);
}

const ESCAPES = { '<': '\\u003C', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** JSON.stringify already escapes controls and lone surrogates as devalue does. */
function quote(text) {
  return JSON.stringify(text).replace(/[<\u2028\u2029]/g, (character) => ESCAPES[character]);
}

function encodeBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}
