// devalue's `stringify` (devalue 6.0.3), the counterpart of devalue.js's `parse`.
//
// Needed only for results built in the browser (applyAction({type: 'success', data: {...}})):
// the runtime sends `form` back to the server as a devalue string when it asks for a
// re-render, and the server's own string is reused whenever the data is unchanged. So this
// module is loaded on demand, never with a page.

import {
  HOLE,
  NAN,
  NEGATIVE_INFINITY,
  NEGATIVE_ZERO,
  POSITIVE_INFINITY,
  SPARSE,
  TYPED_ARRAYS,
  UNDEFINED,
} from './devalue.js';

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
