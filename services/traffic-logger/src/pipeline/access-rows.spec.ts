import { parseAccessLine } from '../access-log/access-line';
import { accessRows } from './access-rows';

const entry = (uri: string) => {
  const parsed = parseAccessLine(
    JSON.stringify({
      time: '2026-12-01T02:00:00+00:00', msec: 1796090400.123, request_id: '0123456789abcdef0123456789abcdef', host: 'tv.example.com',
      method: 'GET', uri, status: 200, bytes: 752, bytes_sent: 1003, request_time: 0.004, upstream_response_time: '', upstream_addr: '',
      upstream_status: '', remote_addr: '203.0.113.9', x_forwarded_for: '', user_agent: 'Mozilla/5.0', referer: '',
    }),
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.entry;
};
const rowOf = (uri: string) => accessRows([entry(uri)], { ipSecret: 'secret', storeRawIp: false, logSegments: true }).requests[0]!;

describe('accessRows: UTM parameters', () => {
  it('parses them from the query string as the tracker does (decoded, any case, first non-blank value)', () => {
    expect(rowOf('/watch?UTM_Source=News%20Letter&utm_medium=&utm_medium=email&utm_campaign=winter+sale&utm_term=a%2Bb&utm_content=banner')).toMatchObject({
      path: '/watch',
      query: 'UTM_Source=News%20Letter&utm_medium=&utm_medium=email&utm_campaign=winter+sale&utm_term=a%2Bb&utm_content=banner',
      utmSource: 'News Letter',
      utmMedium: 'email',
      utmCampaign: 'winter sale',
      utmTerm: 'a+b',
      utmContent: 'banner',
    });
  });

  it('leaves them null without a query string or without UTM parameters', () => {
    const none = { utmSource: null, utmMedium: null, utmCampaign: null, utmTerm: null, utmContent: null };
    expect(rowOf('/live/news/index.m3u8')).toMatchObject(none);
    expect(rowOf('/search?q=utm_source')).toMatchObject(none);
  });
});
