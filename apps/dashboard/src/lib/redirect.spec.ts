import { safeNextPath } from './redirect';

describe('safeNextPath', () => {
  it.each(['/', '/channels', '/channels/5f0c?tab=logo', '/settings/audit?action=auth.login#top'])('keeps the site path %s', (path) => {
    expect(safeNextPath(path)).toBe(path);
  });

  it.each([
    ['nothing', null],
    ['an empty value', ''],
    ['a protocol-relative URL', '//evil.example/'],
    ['a backslash authority', '/\\evil.example'],
    ['an absolute URL', 'https://evil.example/'],
    ['a script URL', 'javascript:alert(1)'],
    ['a relative path', 'channels'],
    ['a tab inside the path', '/\t/evil.example'],
    ['a backslash later on', '/x\\..\\evil'],
  ])('sends %s to the overview', (_what, next) => {
    expect(safeNextPath(next)).toBe('/');
  });
});
