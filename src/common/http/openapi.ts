import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI at /docs (UI) and /docs-json. Roles are in each operation's summary and 403. */
export function setupOpenApi(app: INestApplication) {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Retention Mix')
      .setDescription(
        'Retention rules for product extras, reinforcing promotions, sales-force touchpoints and post-purchase follow-ups. ' +
          'Authenticate with `Authorization: Bearer <api key>`. Roles: admin (all), marketer, support, sales, ingest. ' +
          'Every error is application/problem+json (RFC 9457) with status, title, detail and, for validation, errors: [{ path, message }].',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
