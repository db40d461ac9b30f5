// Action data in the browser: devalue strings read with the app's custom types.
//
// The server's `transport` hook (hooks.server.py) has no counterpart here unless the page
// registers one: `transport.Name = {decode, encode}` (see docs/enhanced-forms.md). A custom
// type with no decoder is not an error: it reads as `{type: "Name", value: <payload>}`. The
// page still renders right, because the runtime sends the server's own string back when it
// asks for a re-render, never a re-encoding of what it could not read.

import { parse } from './devalue.js';
import { shared } from './shared.js';

/**
 * Decoders and encoders for custom types, by name — the browser side of `transport`.
 * Shared by every copy of the runtime.
 *
 * @type {Record<string, {decode?: (payload: any) => any, encode?: (value: any) => any}>}
 */
export const transport = shared.transport;

/** The functions of one kind (`decode` or `encode`) in a transport table, by type name. */
export function pick(table, part) {
  const found = {};
  for (const [name, entry] of Object.entries(table ?? {})) {
    const fn = typeof entry === 'function' ? (part === 'decode' ? entry : undefined) : entry?.[part];
    if (typeof fn === 'function') found[name] = fn;
  }
  return found;
}

/**
 * Reads a devalue string; custom types without a decoder become `{type, value}`.
 *
 * @param {string} text
 * @param {Record<string, any>} [decoders] more decoders, by name (functions or `{decode}`)
 */
export function decodeData(text, decoders) {
  const revivers = { ...pick(shared.transport, 'decode'), ...pick(decoders, 'decode') };
  return parse(text, revivers, { unknown: (type, value) => ({ type, value }) });
}

/** The page's `form` from its page JSON: null when absent or unreadable. */
export function decodeForm(text) {
  if (typeof text !== 'string') return null;
  try {
    const form = decodeData(text);
    return form === undefined ? null : form;
  } catch (error) {
    console.error('Kite: the page state holds form data that cannot be read', error);
    return null;
  }
}

/**
 * An action response's body as an ActionResult with `data` read. The devalue string is
 * remembered with the result, to send back for a re-render: the browser may not be able
 * to write it again (custom types without an encoder).
 *
 * @param {string} text
 * @param {Record<string, any>} [decoders]
 */
export function readResult(text, decoders) {
  const result = JSON.parse(text);
  if (result && typeof result === 'object' && result.data) {
    const raw = result.data;
    result.data = decodeData(raw, decoders);
    shared.rawData.set(result, { raw, value: result.data });
  }
  return result;
}
