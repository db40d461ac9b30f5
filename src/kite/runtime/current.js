// The page JSON (#kite-page) of the document shown, read into `page` (state.js) and the
// runtime's state: at start-up (start.js) and after every swap (render.js).

import { decodeForm } from './data.js';
import { shared } from './shared.js';

/** The page JSON (#kite-page) of a document, or null. */
export function readPageState(doc) {
  const element = doc.getElementById('kite-page');
  if (!element) return null;
  try {
    return JSON.parse(element.textContent);
  } catch {
    return null;
  }
}

/** Makes `page` and the runtime's state describe the document now shown. */
export function adoptPageState(state, status = 200) {
  const { page } = shared;
  page.url = new URL(location.href);
  page.status = state?.status ?? status;
  page.error = state?.error ?? null;
  page.form = decodeForm(state?.form);
  page.route = { id: state?.route ?? null };
  page.params = state?.params ?? {};
  shared.current = {
    form: state?.form ?? null,
    token: state?.token ?? null,
    version: state?.version ?? shared.current.version,
    dev: state?.dev === true,
  };
}
