// Upload progress for enhanced multipart submissions (docs/enhanced-forms.md).
//
// `fetch` cannot report how much of a request body has been sent; XMLHttpRequest can. So a
// submission that carries a file is sent with XMLHttpRequest, and as it goes:
//
// - every `<progress data-kite-progress>` in the form shows bytes sent of the total
//   (`value`/`max`), and the percentage as `aria-valuenow` (of `aria-valuemax` 100);
// - the form gets `kite:progress` events, `event.detail` = `{loaded, total}`;
// - a click on a `[data-kite-cancel]` control in the form aborts the upload: the server
//   never gets the whole body, so the action never runs, and the submission ends as an
//   aborted one does (no callback, no update).
//
// The browser streams the file from disk as it sends it; nothing is read into memory here.
// Preloaded when the page is idle (start.js), like the modules a submission needs.

import { addEventListener, querySelectorAll, removeEventListener, setAttribute } from './dom.js';

/**
 * What sends a submission of `form`: `fetch`, or, when the body carries a non-empty file,
 * an XMLHttpRequest reporting its progress (same arguments, and as much of a Response as
 * submit.js reads: `status` and `text()`).
 *
 * @param {HTMLFormElement} form
 * @returns {(url: URL, init: {headers: Record<string, string>, body: any, signal: AbortSignal}) => Promise<any>}
 */
export function poster(form) {
  return (url, init) => {
    const files = init.body instanceof FormData && [...init.body.values()].some((value) => typeof value !== 'string' && value.size > 0);
    return files ? upload(form, url, init) : fetch(url, init);
  };
}

function upload(form, url, { headers, body, signal }) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    const cancels = querySelectorAll(form, '[data-kite-cancel]');
    const abort = (event) => {
      event?.preventDefault();
      request.abort();
    };
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) report(form, event.loaded, event.total);
    });
    request.addEventListener('load', () => resolve({ status: request.status, text: async () => request.responseText }));
    request.addEventListener('error', () => reject(new TypeError('The upload failed')));
    request.addEventListener('abort', () => reject(new DOMException('The upload was cancelled', 'AbortError')));
    request.addEventListener('loadend', () => {
      signal.removeEventListener('abort', abort);
      for (const control of cancels) removeEventListener(control, 'click', abort);
    });
    signal.addEventListener('abort', abort);
    for (const control of cancels) addEventListener(control, 'click', abort);
    request.open('POST', url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    report(form, 0, 1);
    request.send(body);
  });
}

function report(form, loaded, total) {
  for (const bar of querySelectorAll(form, 'progress[data-kite-progress]')) {
    bar.max = total;
    bar.value = loaded;
    setAttribute(bar, 'aria-valuemin', '0');
    setAttribute(bar, 'aria-valuemax', '100');
    setAttribute(bar, 'aria-valuenow', String(Math.floor((loaded / total) * 100)));
  }
  // The prototype's method: a control named "dispatchEvent" would shadow the form's own.
  EventTarget.prototype.dispatchEvent.call(form, new CustomEvent('kite:progress', { detail: { loaded, total } }));
}
