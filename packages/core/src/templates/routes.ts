/**
 * HTTP routes of the templates module: CRUD, previews of stored templates for a customer,
 * and previews of unsaved drafts (the template editor's live preview).
 */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import {
  commonErrorResponses,
  conflictResponse,
  errorResponse,
  IdParam,
  jsonBody,
  jsonResponse,
} from '../http/schemas.js';
import type { TemplatesFacade } from './facade.js';
import {
  renderedTemplateOutSchema,
  templateCreateSchema,
  templateDraftSchema,
  templateListOutSchema,
  templateListQuerySchema,
  templateOutSchema,
  templatePreviewSchema,
  templateSearchOutSchema,
  templateSearchSchema,
  templateUpdateSchema,
} from './schema.js';

const invalidTemplate = {
  400: errorResponse(
    'Invalid input; `TEMPLATE_INVALID` lists each Liquid or MJML problem in `details.issues` with `line`, `column` and, for an unknown variable, `variable`',
  ),
};
const renderFailed = {
  422: errorResponse(
    '`TEMPLATE_RENDER_FAILED`: the customer or invoice cannot fill the template; `details.issues` says where',
  ),
};

export function registerTemplateRoutes(app: ApiApp<TemplatesFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/templates',
      tags: ['Templates'],
      summary: "The organization's templates, by name",
      request: { query: templateListQuerySchema },
      responses: {
        200: jsonResponse(templateListOutSchema, 'Templates'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json({ items: jsonify(await c.get('tenant').templates.list(c.req.valid('query'))) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/templates',
      tags: ['Templates'],
      summary: 'Create an email (HTML or MJML) or SMS template in Liquid',
      request: { body: jsonBody(templateCreateSchema) },
      responses: {
        201: jsonResponse(templateOutSchema, 'The template'),
        ...commonErrorResponses,
        ...invalidTemplate,
      },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').templates.create(c.req.valid('json'))), 201),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/templates/preview',
      tags: ['Templates'],
      summary: 'Check an unsaved draft and render it for a customer',
      request: { body: jsonBody(templateDraftSchema) },
      responses: {
        200: jsonResponse(renderedTemplateOutSchema, 'The rendered draft'),
        ...commonErrorResponses,
        ...invalidTemplate,
        ...renderFailed,
      },
    }),
    async (c) =>
      c.json(jsonify(await c.get('tenant').templates.previewDraft(c.req.valid('json'))), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/templates/{id}',
      tags: ['Templates'],
      summary: 'One template',
      request: { params: IdParam },
      responses: {
        200: jsonResponse(templateOutSchema, 'The template'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').templates.get(c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/templates/{id}/preview',
      tags: ['Templates'],
      summary: "Render a template with a customer's data (links are placeholders)",
      request: { params: IdParam, body: jsonBody(templatePreviewSchema) },
      responses: {
        200: jsonResponse(renderedTemplateOutSchema, 'The rendered template'),
        ...commonErrorResponses,
        ...renderFailed,
      },
    }),
    async (c) =>
      c.json(
        jsonify(
          await c.get('tenant').templates.preview(c.req.valid('param').id, c.req.valid('json')),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/templates/{id}',
      tags: ['Templates'],
      summary: 'Rename a template or replace its subject, format or content',
      request: { params: IdParam, body: jsonBody(templateUpdateSchema) },
      responses: {
        200: jsonResponse(templateOutSchema, 'The updated template'),
        ...commonErrorResponses,
        ...invalidTemplate,
      },
    }),
    async (c) =>
      c.json(
        jsonify(
          await c.get('tenant').templates.update(c.req.valid('param').id, c.req.valid('json')),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/templates/{id}',
      tags: ['Templates'],
      summary: 'Delete a template (admin+)',
      request: { params: IdParam },
      responses: {
        204: { description: 'Deleted' },
        409: conflictResponse('A campaign uses this template'),
        ...commonErrorResponses,
      },
    }),
    async (c) => {
      await c.get('tenant').templates.remove(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/templates/search',
      tags: ['Templates'],
      summary:
        'The templates closest in meaning to a text, closest first (embedded by the worker after each save)',
      request: { body: jsonBody(templateSearchSchema) },
      responses: {
        200: jsonResponse(templateSearchOutSchema, 'Matches'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json({ items: jsonify(await c.get('tenant').templates.search(c.req.valid('json'))) }, 200),
  );
}
