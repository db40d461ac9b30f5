// The devalue wire format (devalue 6.0.3), which carries action data between Kite's server
// (kite.devalue) and this runtime. See shared/reference/devalue-format.md for the format.
//
// `parse` mirrors devalue's own: the same accepted inputs and the same error messages, so
// that a result reads the same here as in a SvelteKit app. Its counterpart `stringify` is in
// stringify.js, loaded only when a page needs it (docs/runtime-design.md).

export const UNDEFINED = -1;
export const HOLE = -2;
export const NAN = -3;
export const POSITIVE_INFINITY = -4;
export const NEGATIVE_INFINITY = -5;
export const NEGATIVE_ZERO = -6;
export const SPARSE = -7;

export const TYPED_ARRAYS = new Set([
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

function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}
