// What the server rendered, recorded before the user changes anything: the morph (morph.js)
// treats these three-way, so that a swap keeps what scripts or the user changed and follows
// only what the server changed. Recorded at start-up, so this module loads with the page.

import { attributes, localName, nodeType, querySelectorAll } from './dom.js';
import { shared } from './shared.js';

/**
 * Remembers the attributes the server rendered on <html> and <body>, and which <details>
 * and <dialog> elements in `root` it rendered open.
 *
 * @param {ParentNode} root
 */
export function recordServerState(root) {
  for (const element of [document.documentElement, document.body]) {
    if (!shared.serverAttributes.has(element)) {
      shared.serverAttributes.set(element, new Set([...attributes(element)].map((a) => a.name)));
    }
  }
  recordOpen(root);
}

/** @param {ParentNode} root */
export function recordOpen(root) {
  const isElement = nodeType(root) === 1;
  const found = isElement && /^(details|dialog)$/.test(localName(root)) ? [root] : [];
  const inside = isElement ? querySelectorAll(root, 'details, dialog') : root.querySelectorAll('details, dialog');
  for (const element of [...found, ...inside]) {
    if (!shared.serverOpen.has(element)) shared.serverOpen.set(element, element.hasAttribute('open'));
  }
}
