// Checks that only `kite dev` makes (page JSON `dev: true`): they teach, and cost bytes that
// production pages should not download, so this module is loaded only in dev.

const FILE_ERROR =
  'Your form contains <input type="file"> fields, but is missing the necessary `enctype="multipart/form-data"` attribute. ' +
  'This will lead to inconsistent behavior between enhanced and native forms. For more details, see https://github.com/sveltejs/kit/issues/9819.';

/**
 * Refuses a file sent without multipart: the enhanced submission would send its name only,
 * as the native one does, which is never what the author meant.
 *
 * @param {FormData} formData
 * @param {string} enctype
 */
export function checkFiles(formData, enctype) {
  if (enctype === 'multipart/form-data') return;
  for (const value of formData.values()) {
    if (value instanceof File) throw new Error(FILE_ERROR);
  }
}
