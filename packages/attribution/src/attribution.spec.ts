import { ATTRIBUTION_VALUE_MAX, type ClickIds, parseAttribution, parseClickIds, parseReferrer, parseUtm, type QueryInput, type Utm } from './attribution';

const NO_UTM: Utm = { source: null, medium: null, campaign: null, term: null, content: null };
const NO_CLICK: ClickIds = { gclid: null, fbclid: null, msclkid: null, ttclid: null };

describe('parseUtm', () => {
  const cases: [string, QueryInput, Partial<Utm>][] = [
    ['absolute URL, all five', 'https://a.com/p?utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=tv&utm_content=hero', { source: 'news', medium: 'email', campaign: 'spring', term: 'tv', content: 'hero' }],
    ['relative URL', '/watch?utm_source=fb', { source: 'fb' }],
    ['query string with ?', '?utm_medium=cpc', { medium: 'cpc' }],
    ['query string without ?', 'utm_campaign=a%20b', { campaign: 'a b' }],
    ['plus decodes to a space', 'utm_campaign=black+friday', { campaign: 'black friday' }],
    ['names match case-insensitively, value keeps its case', '?UTM_Source=NewsLetter', { source: 'NewsLetter' }],
    ['blank values are absent', '?utm_source=%20%20&utm_medium=', {}],
    ['first non-blank value wins', '?utm_source=&utm_source=x&utm_source=y', { source: 'x' }],
    ['values are trimmed', '?utm_term=%20tv%20', { term: 'tv' }],
    ['fragment is not query', 'https://a.com/#utm_source=x', {}],
    ['URL object', new URL('https://a.com/?utm_content=c'), { content: 'c' }],
    ['URLSearchParams', new URLSearchParams('utm_source=s'), { source: 's' }],
    ['null', null, {}],
    ['undefined', undefined, {}],
    ['garbage', 'http://[::1', {}],
    ['unrelated params', '?source=x&utm=y&utm_sourcex=z', {}],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(parseUtm(input)).toEqual({ ...NO_UTM, ...expected });
  });

  it('caps long values', () => {
    expect(parseUtm(`?utm_source=${'x'.repeat(1000)}`).source).toHaveLength(ATTRIBUTION_VALUE_MAX);
  });
});

describe('parseClickIds', () => {
  const cases: [string, QueryInput, Partial<ClickIds>][] = [
    ['Google', 'https://a.com/?gclid=Cj0KCQ', { gclid: 'Cj0KCQ' }],
    ['Meta', '?fbclid=IwAR2x', { fbclid: 'IwAR2x' }],
    ['Microsoft', '?msclkid=abc123', { msclkid: 'abc123' }],
    ['TikTok', '?ttclid=E.C.P.x', { ttclid: 'E.C.P.x' }],
    ['all four beside utm', '?gclid=g&fbclid=f&msclkid=m&ttclid=t&utm_source=s', { gclid: 'g', fbclid: 'f', msclkid: 'm', ttclid: 't' }],
    ['upper-case name', '?GCLID=g', { gclid: 'g' }],
    ['blank', '?gclid=', {}],
    ['none', '/plain', {}],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(parseClickIds(input)).toEqual({ ...NO_CLICK, ...expected });
  });
});

describe('parseReferrer', () => {
  const cases: [string, string | null | undefined, { host: string; domain: string } | null][] = [
    ['search engine on a two-part suffix', 'https://www.google.co.uk/search?q=tv', { host: 'google.co.uk', domain: 'google.co.uk' }],
    ['subdomain kept in host, not domain', 'https://m.facebook.com/story', { host: 'm.facebook.com', domain: 'facebook.com' }],
    ['upper case', 'HTTPS://WWW.Example.COM/', { host: 'example.com', domain: 'example.com' }],
    ['private suffix keeps sites apart', 'https://someone.github.io/blog', { host: 'someone.github.io', domain: 'someone.github.io' }],
    ['IPv4 with port', 'http://192.168.1.10:8080/x', { host: '192.168.1.10', domain: '192.168.1.10' }],
    ['IPv6', 'http://[2001:db8::1]/x', { host: '2001:db8::1', domain: '2001:db8::1' }],
    ['localhost', 'http://localhost:3000/', { host: 'localhost', domain: 'localhost' }],
    ['android app', 'android-app://com.google.android.gm/', { host: 'com.google.android.gm', domain: 'com.google.android.gm' }],
    ['other schemes are not referrers', 'file:///etc/passwd', null],
    ['javascript: is not a referrer', 'javascript:alert(1)', null],
    ['relative is not a referrer', '/path', null],
    ['empty', '', null],
    ['null', null, null],
    ['garbage', 'not a url', null],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(parseReferrer(input)).toEqual(expected);
  });
});

describe('parseAttribution', () => {
  it('combines utm, click ids and an external referrer', () => {
    expect(
      parseAttribution({ url: 'https://tv.example.com/live?utm_source=nl&gclid=g', referrer: 'https://www.bing.com/' }),
    ).toEqual({
      utm: { ...NO_UTM, source: 'nl' },
      clickIds: { ...NO_CLICK, gclid: 'g' },
      referrer: { host: 'bing.com', domain: 'bing.com' },
    });
  });

  const internal: [string, string, string, boolean][] = [
    ['same host', 'https://tv.example.com/a', 'https://tv.example.com/b', true],
    ['other subdomain of the same site', 'https://tv.example.com/a', 'https://www.example.com/', true],
    ['another site', 'https://tv.example.com/a', 'https://example.org/', false],
    ['relative page URL cannot tell', '/a', 'https://example.org/', false],
  ];
  it.each(internal)('referrer from %s: page %s, internal %s', (_name, url, referrer, isInternal) => {
    expect(parseAttribution({ url, referrer }).referrer === null).toBe(isInternal);
  });

  it('accepts nothing at all', () => {
    expect(parseAttribution({})).toEqual({ utm: NO_UTM, clickIds: NO_CLICK, referrer: null });
  });
});
