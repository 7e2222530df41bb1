import path from 'node:path';
import type { NextConfig } from 'next';

const workspaceRoot = path.resolve(__dirname, '../..');

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  devIndicators: false,
  outputFileTracingRoot: workspaceRoot,
  turbopack: { root: workspaceRoot },
  // Behind nginx (npm start, compose) /api/ never reaches Next. Without nginx (NO_NGINX=1, `npm run dev`) the
  // dashboard forwards REST calls to the gateway itself; the live WebSocket needs nginx or GATEWAY_URL's port.
  async rewrites() {
    return [{ source: '/api/:path*', destination: `${process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000'}/api/:path*` }];
  },
};

export default config;
