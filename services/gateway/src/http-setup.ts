import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyWebsocket from '@fastify/websocket';
import { LOGO_MAX_BYTES } from '@castline/contracts';
import { RequestMethod } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { GatewayConfig } from './config';
import { MAX_CLIENT_MESSAGE_BYTES, registerMetricsSocket, selectSubprotocol } from './live/metrics-socket';

export const API_PREFIX = 'api/v1';

/** Gateway HTTP surface: /api/v1 prefix, security headers, CORS allow-list, cookies, the metrics WebSocket, OpenAPI at /api/docs. */
export async function configureGatewayHttp(app: NestFastifyApplication, config: GatewayConfig): Promise<void> {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'metrics', method: RequestMethod.GET },
      { path: 'healthz', method: RequestMethod.GET },
    ],
  });
  await app.register(fastifyHelmet, {
    // Swagger UI needs inline styles and scripts; everything else is JSON.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  await app.register(fastifyCors, {
    origin: (origin, callback) => callback(null, !origin || config.CORS_ORIGINS.includes(origin)),
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-API-Key', 'X-Request-Id'],
    maxAge: 600,
  });
  await app.register(fastifyCookie);
  // Many HTTP clients send `Content-Type: application/json` with no body on actions (POST /channels/:id/start):
  // a JSON request of zero bytes is taken as a request without a body instead of a 400.
  app.getHttpAdapter().getInstance().addHook('onRequest', async (request) => {
    const type = request.headers['content-type'];
    if (!type || !/^application\/json\b/i.test(type)) return;
    const length = request.headers['content-length'];
    const empty = length === '0' || (length === undefined && request.headers['transfer-encoding'] === undefined);
    if (empty) delete request.headers['content-type'];
  });
  // Uploads are logos today; the limit follows what one NATS message can carry to the channels service.
  await app.register(fastifyMultipart, { limits: { fileSize: LOGO_MAX_BYTES, files: 1, fields: 4, parts: 5 }, throwFileSizeLimit: true });

  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_CLIENT_MESSAGE_BYTES, handleProtocols: selectSubprotocol } });
  registerMetricsSocket(app);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Castline API')
      .setDescription('REST API of the Castline platform. Authenticate with a Bearer access token or an API key.')
      .setVersion('1')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
}
