import { classifySource } from './source';

describe('classifySource', () => {
  it('utm_source first, then the click id platform, then the referrer domain, else direct', () => {
    expect(classifySource({ utmSource: ' Newsletter ', clickIds: { gclid: 'x' }, referrer: 'https://news.example.com/a' })).toEqual({ kind: 'utm', label: 'newsletter' });
    expect(classifySource({ utmSource: '', clickIds: { gclid: 'abc' }, referrer: 'https://www.google.com/' })).toEqual({ kind: 'click_id', label: 'google' });
    expect(classifySource({ clickIds: { fbclid: true } })).toEqual({ kind: 'click_id', label: 'facebook' });
    expect(classifySource({ clickIds: { msclkid: 'm' } })).toEqual({ kind: 'click_id', label: 'bing' });
    expect(classifySource({ clickIds: { ttclid: 't' } })).toEqual({ kind: 'click_id', label: 'tiktok' });
    expect(classifySource({ referrer: 'https://m.facebook.com/story.php?id=1' })).toEqual({ kind: 'referrer', label: 'facebook.com' });
    expect(classifySource({ referrer: 'https://blog.example.co.uk/post' })).toEqual({ kind: 'referrer', label: 'example.co.uk' });
    expect(classifySource({ referrer: 'Www.Example.ORG' })).toEqual({ kind: 'referrer', label: 'example.org' });
    expect(classifySource({ referrer: 'android-app://com.google.android.gm/' })).toEqual({ kind: 'referrer', label: 'com.google.android.gm' });
  });

  it('anything unusable reads as direct, never throws', () => {
    expect(classifySource({})).toEqual({ kind: 'direct', label: 'direct' });
    expect(classifySource({ utmSource: '   ', clickIds: { gclid: null, fbclid: false }, referrer: 'javascript:alert(1)' })).toEqual({ kind: 'direct', label: 'direct' });
    expect(classifySource({ referrer: 'http://[not a host' })).toEqual({ kind: 'direct', label: 'direct' });
  });
});
