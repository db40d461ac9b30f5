// History entries and their scroll positions. Every page needs this from the start (the
// entry shown gets an id, scrolling is tracked), long before anything is swapped.

import { shared } from './shared.js';

/** An id for a new history entry, unique across reloads of this tab. */
export function newEntryId() {
  shared.lastEntry = Math.max(Date.now(), shared.lastEntry + 1, shared.entry + 1);
  return shared.lastEntry;
}

/** The entry's history state with our part (`kite: {id, x?, y?}`) set, the rest kept. */
export function entryState(id, extra = {}) {
  const state = history.state && typeof history.state === 'object' ? history.state : {};
  return { ...state, kite: { id, ...extra } };
}

/** Notes where this entry is scrolled, in memory and in the entry (for after a reload). */
export function rememberScroll() {
  const position = { x: scrollX, y: scrollY };
  shared.scroll.set(shared.entry, position);
  history.replaceState(entryState(shared.entry, position), '');
}
