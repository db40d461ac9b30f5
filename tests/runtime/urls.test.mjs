// The runtime's URL rules (src/kite/runtime/urls.js). Run by tests/runtime/test_runtime_js.py.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { actionLocation, getFormUrl, isCurrentLocation, isHashChange, isSameOrigin } from '../../src/kite/runtime/urls.js';

const at = (path) => new URL(path, 'http://app.test');

test('actionLocation drops the first /name key, as the server does', () => {
  assert.equal(actionLocation(at('/login?/do-login')), '/login');
  assert.equal(actionLocation(at('/todos')), '/todos');
  assert.equal(actionLocation(at('/x?throw-in-load&/error')), '/x?throw-in-load=');
  assert.equal(
    actionLocation(at('/d?redirectTo=%2Fdashboard&/success')),
    '/d?redirectTo=%2Fdashboard',
  );
  assert.equal(actionLocation(at('/s?b=2&a=1&/del')), '/s?b=2&a=1');
  assert.equal(actionLocation(at('/s?/a&/b')), '/s?%2Fb=');
  assert.equal(actionLocation(at('/s?q=a b')), '/s?q=a%20b'); // no /name key: left as it is
});

test('isCurrentLocation compares path and query values in any order', () => {
  const here = 'http://app.test/same-page?a=1&b=2#top';
  assert.equal(isCurrentLocation('/same-page?b=2&a=1', here), true);
  assert.equal(isCurrentLocation('/same-page', here), false);
  assert.equal(isCurrentLocation('/same-page?a=1&b=2&b=3', here), false);
  assert.equal(isCurrentLocation('/other?a=1&b=2', here), false);
  assert.equal(isCurrentLocation(undefined, here), true);
  assert.equal(isCurrentLocation(null, here), true);
  assert.equal(isCurrentLocation('http://elsewhere.test/same-page?a=1&b=2', here), false);
  assert.equal(isCurrentLocation('/m?x=2&x=1', 'http://app.test/m?x=1&x=2'), true);
});

test('isHashChange: only the fragment moves', () => {
  assert.equal(isHashChange('http://app.test/a#far', 'http://app.test/a'), true);
  assert.equal(isHashChange('http://app.test/a#far', 'http://app.test/a#near'), true);
  assert.equal(isHashChange('http://app.test/a', 'http://app.test/a#far'), false);
  assert.equal(isHashChange('http://app.test/b#far', 'http://app.test/a'), false);
});

test('getFormUrl replaces the query with the fields', () => {
  const data = new FormData();
  data.append('q', 'a b');
  data.append('foo', 'bar');
  data.append('file', new File(['x'], 'name.txt'));
  assert.equal(
    getFormUrl(at('/search?old=1#h'), data).href,
    'http://app.test/search?q=a+b&foo=bar&file=name.txt',
  );
});

test('isSameOrigin: scheme, host and port', () => {
  assert.equal(isSameOrigin('/a?/x', 'http://app.test/b'), true);
  assert.equal(isSameOrigin('http://app.test:80/a', 'http://app.test/b'), true);
  assert.equal(isSameOrigin('https://app.test/a', 'http://app.test/b'), false);
  assert.equal(isSameOrigin('http://app.test:8080/a', 'http://app.test/b'), false);
  assert.equal(isSameOrigin('http://evil.test/a', 'http://app.test/b'), false);
});
