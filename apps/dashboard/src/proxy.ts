import { type NextRequest, NextResponse } from 'next/server';

/**
 * A Content-Security-Policy with a fresh nonce on every page: Next.js puts the nonce on its own scripts (it reads
 * it from the request's policy header), next-themes on its theme script (the root layout passes x-nonce on), and
 * nothing else may run: no inline script an XSS could inject, no eval. Styles allow inline ones (Radix and the
 * charts position elements with style attributes, which a nonce cannot cover). The dev server needs eval.
 */
export function contentSecurityPolicy(nonce: string, development: boolean, embed = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    // hls.js plays through MediaSource (blob: URLs) and runs its transmuxer in a blob: worker.
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    // /embed/<id> is framed by other sites: nginx sets its frame-ancestors (MEDIA_EMBED_ANCESTORS).
    ...(embed ? [] : ["frame-ancestors 'self'"]),
  ].join('; ');
}

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const policy = contentSecurityPolicy(nonce, process.env.NODE_ENV === 'development', request.nextUrl.pathname.startsWith('/embed/'));
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', policy);
  return response;
}

export const config = {
  // Pages only: static assets carry no policy of their own, and prefetches are not documents.
  matcher: [
    {
      source: '/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
