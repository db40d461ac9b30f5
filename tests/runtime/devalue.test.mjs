// The runtime's devalue parser and serializer against the conformance vectors
// (tests/devalue/vectors.json, devalue 6.0.3). Run by tests/runtime/test_node.py.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { parse } from '../../src/kite/runtime/devalue.js';
import { DevalueError, stringify } from '../../src/kite/runtime/stringify.js';

const vectors = JSON.parse(readFileSync(new URL('../devalue/vectors.json', import.meta.url), 'utf8'));

// --- the custom types of the vectors ("custom_types") ---------------------------------------

class Vector {
  constructor(x, y) {
    this.x = x;
    this.y = y;
  }
}
class Money {
  constructor(amount, currency) {
    this.amount = amount;
    this.currency = currency;
  }
}
class Tag {
  constructor(name) {
    this.name = name;
  }
}
class Node {
  constructor(label, next) {
    this.label = label;
    this.next = next;
  }
}

const REDUCERS = {
  Vector: (v) => v instanceof Vector && [v.x, v.y],
  Money: (v) => v instanceof Money && { amount: v.amount, currency: v.currency },
  Tag: (v) => v instanceof Tag && v.name,
  Node: (v) => v instanceof Node && [v.label, v.next],
  Epoch: (v) => v instanceof Date && v.getTime(),
  Fn: (v) => typeof v === 'function' && v.id,
  First: (v) => v instanceof Vector && 'first',
  Second: (v) => v instanceof Vector && 'second',
};

/** Revived values keep their type name and payload, which is what the vectors describe. */
class Revived {
  constructor(type, payload) {
    this.type = type;
    this.payload = payload;
  }
}

function pick(table, names) {
  return Object.fromEntries((names ?? []).map((name) => [name, table[name]]));
}

function revivers(names) {
  return Object.fromEntries((names ?? []).map((name) => [name, (payload) => new Revived(name, payload)]));
}

// --- building a value from its description (for stringify) ----------------------------------

function build(description, customNames) {
  const byPointer = new Map();

  function make(node, pointer) {
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) {
      const array = new Array(node.length);
      byPointer.set(pointer, array);
      node.forEach((item, i) => {
        if (!(item && typeof item === 'object' && item.$hole)) array[i] = make(item, `${pointer}/${i}`);
      });
      return array;
    }
    const [tag] = Object.keys(node);
    if (!tag?.startsWith('$')) {
      const object = {};
      byPointer.set(pointer, object);
      for (const [key, value] of Object.entries(node)) object[key] = make(value, `${pointer}/${escape(key)}`);
      return object;
    }
    const payload = node[tag];
    const at = `${pointer}/${escape(tag)}`;
    if (tag === '$ref') return byPointer.get(payload);
    const made = makeTagged(tag, payload, pointer, at);
    if (Object(made) === made && !byPointer.has(pointer)) byPointer.set(pointer, made);
    return made;
  }

  function makeTagged(tag, payload, pointer, at) {
    switch (tag) {
      case '$undefined':
        return undefined;
      case '$nan':
        return NaN;
      case '$inf':
        return payload * Infinity;
      case '$negzero':
        return -0;
      case '$bigint':
        return BigInt(payload);
      case '$object': {
        const object = {};
        byPointer.set(pointer, object);
        payload.forEach(([key, value], i) => {
          Object.defineProperty(object, key, {
            value: make(value, `${at}/${i}/1`),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        });
        return object;
      }
      case '$nullproto': {
        const object = Object.create(null);
        byPointer.set(pointer, object);
        payload.forEach(([key, value], i) => {
          object[key] = make(value, `${at}/${i}/1`);
        });
        return object;
      }
      case '$date':
        return new Date(payload ?? NaN);
      case '$regexp':
        return new RegExp(payload[0], payload[1]);
      case '$map': {
        const map = new Map();
        byPointer.set(pointer, map);
        payload.forEach(([key, value], i) => map.set(make(key, `${at}/${i}/0`), make(value, `${at}/${i}/1`)));
        return map;
      }
      case '$set': {
        const set = new Set();
        byPointer.set(pointer, set);
        payload.forEach((value, i) => set.add(make(value, `${at}/${i}`)));
        return set;
      }
      case '$boxed':
        return Object(make(payload, at));
      case '$url':
        return new URL(payload);
      case '$urlsearchparams':
        return new URLSearchParams(payload);
      case '$arraybuffer': {
        const buffer = Uint8Array.from(Buffer.from(payload, 'base64')).buffer;
        byPointer.set(pointer, buffer);
        return buffer;
      }
      case '$typedarray':
      case '$dataview': {
        const Constructor = tag === '$dataview' ? DataView : globalThis[payload.type];
        if (!Constructor) throw new Skip(`${payload.type} is not available`);
        const buffer = make(payload.buffer, `${at}/buffer`);
        const size = tag === '$dataview' ? payload.byteLength : payload.length;
        const view =
          payload.byteOffset === undefined ? new Constructor(buffer) : new Constructor(buffer, payload.byteOffset, size);
        byPointer.set(pointer, view);
        return view;
      }
      case '$temporal':
        if (!globalThis.Temporal) throw new Skip('no Temporal');
        return globalThis.Temporal[payload[0]].from(payload[1]);
      case '$custom': {
        const [name, inner] = payload;
        const value = make(inner, `${at}/1`);
        if (!customNames.includes(name) && !['First', 'Second'].includes(name)) throw new Error(name);
        return fromPayload(name, value);
      }
      case '$function': {
        const fn = function () {};
        return fn;
      }
      case '$symbol':
        return Symbol(payload);
      case '$instance': {
        const Class = { [payload[0]]: class {} }[payload[0]];
        return Object.assign(new Class(), make(payload[1], `${at}/1`));
      }
      case '$symbolkeyed': {
        const object = {};
        for (const [key, value] of payload.entries) object[key] = make(value, at);
        for (const [description, value] of payload.symbols) object[Symbol(description)] = make(value, at);
        return object;
      }
      case '$promise':
        return Promise.resolve();
      case '$sparse': {
        const array = new Array(payload.length);
        byPointer.set(pointer, array);
        payload.items.forEach(([index, value], i) => {
          array[index] = make(value, `${at}/items/${i}/1`);
        });
        return array;
      }
      default:
        throw new Error(`unknown tag ${tag}`);
    }
  }
  return make(description, '');
}

function fromPayload(name, payload) {
  switch (name) {
    case 'Vector':
    case 'First':
    case 'Second':
      return new Vector(payload[0], payload[1]);
    case 'Money':
      return new Money(payload.amount, payload.currency);
    case 'Tag':
      return new Tag(payload);
    case 'Node':
      return new Node(payload[0], payload[1]);
    case 'Epoch':
      return new Date(payload);
    case 'Fn':
      return Object.assign(() => {}, { id: payload });
    default:
      throw new Error(name);
  }
}

function escape(key) {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

class Skip extends Error {}

// --- comparing a parsed value with its description -------------------------------------------

function check(actual, description) {
  const byPointer = new Map();

  function same(value, node, pointer, where) {
    const fail = (message) => assert.fail(`${where || '(root)'}: ${message}`);
    if (node === null || typeof node !== 'object') {
      if (!Object.is(value, node)) fail(`expected ${JSON.stringify(node)}, got ${String(value)}`);
      return;
    }
    if (Array.isArray(node)) {
      if (!Array.isArray(value) || value.length !== node.length) fail('array of another length');
      byPointer.set(pointer, value);
      node.forEach((item, i) => {
        if (item && typeof item === 'object' && item.$hole) {
          if (Object.hasOwn(value, i)) fail(`index ${i} should be a hole`);
        } else {
          if (!Object.hasOwn(value, i)) fail(`index ${i} is a hole`);
          same(value[i], item, `${pointer}/${i}`, `${where}[${i}]`);
        }
      });
      return;
    }
    const [tag] = Object.keys(node);
    if (!tag?.startsWith('$')) {
      objectEntries(value, Object.entries(node), pointer, where, Object.prototype);
      return;
    }
    const payload = node[tag];
    const at = `${pointer}/${escape(tag)}`;
    if (tag !== '$ref' && Object(value) === value) byPointer.set(pointer, value);
    switch (tag) {
      case '$ref':
        if (value !== byPointer.get(payload)) fail(`not the same object as ${payload}`);
        return;
      case '$undefined':
        return value === undefined || fail('not undefined');
      case '$nan':
        return Number.isNaN(value) || fail('not NaN');
      case '$inf':
        return value === payload * Infinity || fail('not infinite');
      case '$negzero':
        return Object.is(value, -0) || fail('not -0');
      case '$bigint':
        return value === BigInt(payload) || fail(`not ${payload}n`);
      case '$object':
        return objectEntries(value, payload, at, where, Object.prototype, pointer);
      case '$nullproto':
        return objectEntries(value, payload, at, where, null, pointer);
      case '$date':
        if (!(value instanceof Date)) fail('not a Date');
        if (payload === null) return Number.isNaN(value.getTime()) || fail('not an invalid Date');
        return value.toISOString() === payload || fail(`Date ${value.toISOString()}`);
      case '$regexp':
        if (!(value instanceof RegExp)) fail('not a RegExp');
        return (value.source === payload[0] && value.flags === payload[1]) || fail(`RegExp ${value}`);
      case '$map': {
        if (!(value instanceof Map) || value.size !== payload.length) fail('not a Map of that size');
        byPointer.set(pointer, value);
        [...value].forEach(([key, member], i) => {
          same(key, payload[i][0], `${at}/${i}/0`, `${where}.key(${i})`);
          same(member, payload[i][1], `${at}/${i}/1`, `${where}.get(${i})`);
        });
        return;
      }
      case '$set': {
        if (!(value instanceof Set) || value.size !== payload.length) fail('not a Set of that size');
        byPointer.set(pointer, value);
        [...value].forEach((member, i) => same(member, payload[i], `${at}/${i}`, `${where}{${i}}`));
        return;
      }
      case '$boxed':
        if (typeof value !== 'object') fail('not boxed');
        return same(value.valueOf(), payload, at, `${where}.valueOf()`);
      case '$url':
        return (value instanceof URL && value.href === payload) || fail('URL');
      case '$urlsearchparams':
        return (value instanceof URLSearchParams && value.toString() === payload) || fail('URLSearchParams');
      case '$arraybuffer':
        if (!(value instanceof ArrayBuffer)) fail('not an ArrayBuffer');
        byPointer.set(pointer, value);
        return Buffer.from(value).toString('base64') === payload || fail('ArrayBuffer bytes');
      case '$typedarray':
      case '$dataview': {
        const type = tag === '$dataview' ? 'DataView' : payload.type;
        if (Object.prototype.toString.call(value) !== `[object ${type}]`) fail(`not a ${type}`);
        byPointer.set(pointer, value);
        same(value.buffer, payload.buffer, `${at}/buffer`, `${where}.buffer`);
        if (payload.byteOffset !== undefined && value.byteOffset !== payload.byteOffset) fail('byteOffset');
        return;
      }
      case '$temporal':
        return String(value) === payload[1] || fail('Temporal');
      case '$custom':
        if (!(value instanceof Revived) || value.type !== payload[0]) fail(`not a revived ${payload[0]}`);
        return same(value.payload, payload[1], `${at}/1`, `${where}<${payload[0]}>`);
      case '$sparse': {
        if (!Array.isArray(value) || value.length !== payload.length) fail('sparse array length');
        byPointer.set(pointer, value);
        const present = Object.keys(value);
        if (present.length !== payload.items.length) fail('sparse array population');
        payload.items.forEach(([index, item], i) => same(value[index], item, `${at}/items/${i}/1`, `${where}[${index}]`));
        return;
      }
      default:
        throw new Error(`unknown tag ${tag}`);
    }
  }

  function objectEntries(value, entries, at, where, proto, pointer = at) {
    if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== proto) {
      assert.fail(`${where || '(root)'}: not an object with the expected prototype`);
    }
    byPointer.set(pointer, value);
    assert.deepEqual(Object.keys(value), entries.map(([key]) => key), `${where}: keys`);
    const base = at === pointer ? pointer : at;
    entries.forEach(([key, item], i) => {
      const itemPointer = at === pointer ? `${pointer}/${escape(key)}` : `${base}/${i}/1`;
      same(value[key], item, itemPointer, `${where}.${key}`);
    });
  }

  same(actual, description, '', '');
}

// --- the tests ------------------------------------------------------------------------------

for (const vector of vectors.vectors) {
  const { name, kind } = vector;
  const customNames = vector.reducers ?? vector.revivers ?? [];

  if (kind === 'roundtrip' || kind === 'parse_only') {
    test(`parse ${name}`, (t) => {
      const input = vector.devalue;
      const missing =
        (input.includes('Float16Array') && !globalThis.Float16Array) ||
        (input.includes('Temporal.') && !globalThis.Temporal);
      if (missing) return t.skip('not available in this Node');
      check(parse(input, revivers(customNames)), vector.value);
    });
  }
  if (kind === 'roundtrip') {
    test(`stringify ${name}`, (t) => {
      let value;
      try {
        value = build(vector.value, customNames);
      } catch (error) {
        if (error instanceof Skip) return t.skip(error.message);
        throw error;
      }
      assert.equal(stringify(value, pick(REDUCERS, vector.reducers)), vector.devalue);
    });
  }
  if (kind === 'parse_error') {
    test(`parse rejects ${name}`, () => {
      assert.throws(
        () => parse(vector.devalue, revivers(customNames)),
        (error) => !vector.error.normative || error.message === vector.error.message,
      );
    });
  }
  if (kind === 'error') {
    test(`stringify rejects ${name}`, () => {
      const value = build(vector.value, customNames);
      assert.throws(
        () => stringify(value, pick(REDUCERS, vector.reducers)),
        (error) =>
          error instanceof DevalueError &&
          error.message === vector.error.message &&
          error.path === vector.error.path,
      );
    });
  }
}

test('unknown types can be read leniently', () => {
  const value = parse('[{"foo":1},["Foo",2],[3],"It works"]', {}, {
    unknown: (type, payload) => ({ type, value: payload }),
  });
  assert.deepEqual(value, { foo: { type: 'Foo', value: ['It works'] } });
  assert.throws(() => parse('[["Foo",1],2]'), /Unknown type Foo/);
});
