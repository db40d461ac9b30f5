// Updating the live document to match a new one from the server, in place.
//
// Replacing <body> would throw away what the user is doing: focus, caret and selection,
// scroll positions, open <details> and <dialog>, playing media, text typed into fields.
// So the new document is walked alongside the old one, and an element that has the same tag
// (and id, and for form controls the same name and type) at the same place is kept and only
// its attributes and children updated. Old nodes are never moved, only removed or kept:
// moving a node would blur it.
//
// Form controls keep what the user typed unless the server's markup for them changed (their
// `value`/`checked`/`selected` attribute, or a textarea's text); `open` on <details> and
// <dialog> likewise follows the server only when the server changed it. An element with
// `data-kite-keep` (and its subtree) is the page script's: it stays as it is, where it is.

import { recordOpen, recordServerState } from './baseline.js';
import {
  attributes,
  detach,
  firstChild,
  getAttribute,
  hasAttribute,
  insertBefore,
  localName,
  nextSibling,
  nodeType,
  querySelectorAll,
  removeAttribute,
  setAttribute,
} from './dom.js';
import { shared } from './shared.js';

// Start-up records the server's state before the user changes anything (baseline.js); the
// export here is for tests and tools that drive the morph directly.
export { recordServerState };

const ELEMENT = 1;
const LOOKAHEAD = 10;
const KEEP = 'data-kite-keep';
const SCRIPT_TYPES = new Set(['', 'module', 'text/javascript', 'application/javascript', 'text/ecmascript']);

/**
 * Morphs the live document into `next`.
 *
 * @param {Document} next a parsed document
 * @returns {HTMLScriptElement[]} inserted scripts that have not run yet, in document order
 */
export function morphDocument(next) {
  const context = { scripts: [] };
  syncServerAttributes(document.documentElement, next.documentElement);
  mergeHead(document.head, next.head, context);
  syncServerAttributes(document.body, next.body);
  morphChildren(document.body, next.body, context);
  return context.scripts.filter((script) => script.isConnected);
}

/** Whether a script element is JavaScript (not JSON, an import map or a template). */
export function isExecutable(script) {
  return SCRIPT_TYPES.has((script.getAttribute('type') ?? '').trim().toLowerCase());
}

/** Whether a script element loads the runtime itself, which must never run twice. */
export function isRuntime(script) {
  const src = script.getAttribute('src');
  return src !== null && new URL(src, document.baseURI).pathname.includes('/_kite/');
}

/** What a script is, as the server wrote it (a script the runtime re-created keeps it). */
export function scriptSignature(script) {
  return shared.scriptSignatures.get(script) ?? withoutNonce(script);
}

/** Every response has its own CSP nonce (and the browser hides a live script's): the same
 * script from two responses differs only there, so the comparison leaves it out. */
function withoutNonce(script) {
  if (!hasAttribute(script, 'nonce')) return script.outerHTML;
  const copy = script.cloneNode(true);
  removeAttribute(copy, 'nonce');
  return copy.outerHTML;
}

// --- <head> ------------------------------------------------------------------------------

/**
 * The head is a set, not a tree: elements identical in both are kept (so stylesheets do
 * not reload and scripts do not run again), the others removed or added at their place.
 */
function mergeHead(head, nextHead, context) {
  const available = new Map();
  for (const element of head.children) {
    const key = headKey(element);
    if (!available.has(key)) available.set(key, []);
    available.get(key).push(element);
  }
  const kept = new Set();
  let anchor = null;
  for (const wanted of [...nextHead.children]) {
    if (localName(wanted) === 'script' && isRuntime(wanted)) continue;
    const same = available.get(headKey(wanted))?.shift();
    if (same) {
      kept.add(same);
      anchor = same;
      continue;
    }
    const node = adopt(wanted, context);
    head.insertBefore(node, anchor ? anchor.nextSibling : head.firstChild);
    kept.add(node);
    anchor = node;
  }
  for (const element of [...head.children]) {
    const runtime = localName(element) === 'script' && isRuntime(element);
    if (!kept.has(element) && !runtime) element.remove();
  }
}

function headKey(element) {
  return localName(element) === 'script' ? scriptSignature(element) : element.outerHTML;
}

// --- <body> ------------------------------------------------------------------------------

function morphChildren(parent, nextParent, context) {
  let cursor = firstChild(parent);
  for (let wanted = firstChild(nextParent); wanted; ) {
    const following = nextSibling(wanted);
    const match = findMatch(cursor, wanted);
    if (match) {
      while (cursor !== match) {
        const gone = cursor;
        cursor = nextSibling(cursor);
        remove(gone);
      }
      cursor = nextSibling(match);
      morphNode(match, wanted, context);
    } else {
      insertBefore(parent, adopt(wanted, context), cursor);
    }
    wanted = following;
  }
  while (cursor) {
    const gone = cursor;
    cursor = nextSibling(cursor);
    remove(gone);
  }
}

/** Removes an old node, except the runtime's own live region (failure.js), which must stay. */
function remove(node) {
  if (!isAnnouncer(node)) detach(node);
}

function isAnnouncer(node) {
  return nodeType(node) === ELEMENT && hasAttribute(node, 'data-kite-announcer');
}

/** The old node to morph into `wanted`, looking a little ahead for removed nodes. */
function findMatch(cursor, wanted) {
  if (!cursor) return null;
  const id = nodeType(wanted) === ELEMENT ? getAttribute(wanted, 'id') : null;
  if (id) {
    for (let node = cursor; node; node = nextSibling(node)) {
      if (nodeType(node) === ELEMENT && getAttribute(node, 'id') === id) {
        return similar(node, wanted) ? node : null;
      }
    }
    return null;
  }
  if (similar(cursor, wanted)) return cursor;
  // A kept element is an anchor: what is new goes before it, it is never skipped over.
  if (isKept(cursor)) return null;
  // `wanted` is new if what follows it matches here; else old nodes may have gone.
  const after = nextSibling(wanted);
  if (after && similar(cursor, after)) return null;
  let node = nextSibling(cursor);
  for (let steps = 0; node && steps < LOOKAHEAD; steps += 1, node = nextSibling(node)) {
    if (similar(node, wanted)) return node;
    if (isKept(node)) break;
  }
  return null;
}

function isKept(node) {
  return nodeType(node) === ELEMENT && hasAttribute(node, KEEP);
}

function similar(a, b) {
  if (nodeType(a) !== nodeType(b)) return false;
  if (nodeType(a) !== ELEMENT) return true;
  if (isAnnouncer(a)) return false;
  const tag = localName(a);
  if (tag !== localName(b) || a.namespaceURI !== b.namespaceURI) return false;
  if ((getAttribute(a, 'id') ?? '') !== (getAttribute(b, 'id') ?? '')) return false;
  // A kept element only ever stands for the server's kept element, never for a neighbour.
  if (isKept(a) !== isKept(b)) return false;
  if (tag === 'input' || tag === 'select' || tag === 'textarea' || tag === 'button') {
    if (getAttribute(a, 'name') !== getAttribute(b, 'name')) return false;
    if (tag === 'input' && (getAttribute(a, 'type') ?? 'text') !== (getAttribute(b, 'type') ?? 'text')) {
      return false;
    }
  }
  return true;
}

function morphNode(node, wanted, context) {
  if (nodeType(node) !== ELEMENT) {
    if (node.nodeValue !== wanted.nodeValue) node.nodeValue = wanted.nodeValue;
    return;
  }
  // The page's script owns this element and everything in it: left as that script left it.
  if (isKept(node)) return;
  switch (localName(node)) {
    case 'script':
      return morphScript(node, wanted, context);
    case 'input':
      return morphInput(node, wanted);
    case 'textarea':
      return morphTextarea(node, wanted);
    case 'option': {
      const before = hasAttribute(node, 'selected');
      syncAttributes(node, wanted);
      if (hasAttribute(node, 'selected') !== before) node.selected = !before;
      return morphChildren(node, wanted, context);
    }
    case 'template':
      syncAttributes(node, wanted);
      if (node.innerHTML !== wanted.innerHTML) node.content.replaceChildren(document.importNode(wanted.content, true));
      return undefined;
    case 'details':
    case 'dialog':
      syncAttributes(node, wanted);
      syncOpen(node, wanted);
      return morphChildren(node, wanted, context);
    default:
      syncAttributes(node, wanted);
      return morphChildren(node, wanted, context);
  }
}

function morphScript(node, wanted, context) {
  if (!isExecutable(node) || !isExecutable(wanted)) {
    syncAttributes(node, wanted);
    if (node.textContent !== wanted.textContent) node.textContent = wanted.textContent;
    return;
  }
  // A script that is still the same has run already; a changed one is new.
  if (scriptSignature(node) === scriptSignature(wanted)) return;
  const replacement = adopt(wanted, context);
  insertBefore(node.parentNode, replacement, node);
  detach(node);
}

function morphInput(node, wanted) {
  const value = getAttribute(node, 'value');
  const checked = hasAttribute(node, 'checked');
  syncAttributes(node, wanted);
  if (node.type !== 'file' && getAttribute(node, 'value') !== value) node.value = getAttribute(node, 'value') ?? '';
  if (hasAttribute(node, 'checked') !== checked) node.checked = !checked;
}

function morphTextarea(node, wanted) {
  syncAttributes(node, wanted);
  if (node.defaultValue !== wanted.defaultValue) {
    node.defaultValue = wanted.defaultValue;
    node.value = wanted.defaultValue;
  }
}

function syncOpen(node, wanted) {
  const now = hasAttribute(wanted, 'open');
  const before = shared.serverOpen.has(node) ? shared.serverOpen.get(node) : now;
  shared.serverOpen.set(node, now);
  if (now === before || hasAttribute(node, 'open') === now) return;
  if (!now && localName(node) === 'dialog') node.close();
  else if (now) setAttribute(node, 'open', '');
  else removeAttribute(node, 'open');
}

function syncAttributes(node, wanted) {
  const tag = localName(node);
  const threeWay = (name) => name === 'open' && (tag === 'details' || tag === 'dialog');
  for (const { name, value } of [...attributes(wanted)]) {
    if (!threeWay(name) && getAttribute(node, name) !== value) setAttribute(node, name, value);
  }
  for (const { name } of [...attributes(node)]) {
    if (hasAttribute(wanted, name) || threeWay(name)) continue;
    // A submission in flight keeps its form busy, whatever the new markup says.
    if (name === 'aria-busy' && tag === 'form' && shared.inflight.get(node)) continue;
    removeAttribute(node, name);
  }
}

/** <html> and <body>: scripts add attributes there (themes, state); keep those. */
function syncServerAttributes(node, wanted) {
  const before = shared.serverAttributes.get(node) ?? new Set();
  for (const { name, value } of [...attributes(wanted)]) {
    if (getAttribute(node, name) !== value) setAttribute(node, name, value);
  }
  for (const name of before) {
    if (!hasAttribute(wanted, name)) removeAttribute(node, name);
  }
  shared.serverAttributes.set(node, new Set([...attributes(wanted)].map((a) => a.name)));
}

/** A copy of a new node for the live document; its scripts are collected to run. */
function adopt(wanted, context) {
  const node = document.importNode(wanted, true);
  if (nodeType(node) !== ELEMENT) return node;
  const scripts = localName(node) === 'script' ? [node] : [...querySelectorAll(node, 'script')];
  for (const script of scripts) {
    if (isExecutable(script) && !isRuntime(script)) context.scripts.push(script);
  }
  recordOpen(node);
  return node;
}
