/**
 * HTTP routes of the segments module: CRUD, previews of stored segments, and previews of
 * unsaved drafts (the segment builder's live count).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import {
  commonErrorResponses,
  conflictResponse,
  IdParam,
  jsonBody,
  jsonResponse,
} from '../http/schemas.js';
import type { SegmentsFacade } from './facade.js';
import {
  previewOptionsSchema,
  segmentCreateSchema,
  segmentDraftSchema,
  segmentListOutSchema,
  segmentOutSchema,
  segmentPreviewOutSchema,
  segmentUpdateSchema,
} from './schema.js';

export function registerSegmentRoutes(app: ApiApp<SegmentsFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/segments',
      tags: ['Segments'],
      summary: "The organization's segments, by name",
      responses: {
        200: jsonResponse(segmentListOutSchema, 'Segments'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json({ items: jsonify(await c.get('tenant').segments.list()) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/segments',
      tags: ['Segments'],
      summary: 'Create a rule, vector or hybrid segment',
      request: { body: jsonBody(segmentCreateSchema) },
      responses: {
        201: jsonResponse(segmentOutSchema, 'The segment'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').segments.create(c.req.valid('json'))), 201),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/segments/preview',
      tags: ['Segments'],
      summary: 'Count and sample the members of an unsaved draft, with reasons',
      request: { body: jsonBody(segmentDraftSchema) },
      responses: {
        200: jsonResponse(segmentPreviewOutSchema, 'Count and sample'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(jsonify(await c.get('tenant').segments.previewDraft(c.req.valid('json'))), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/segments/{id}',
      tags: ['Segments'],
      summary: 'One segment',
      request: { params: IdParam },
      responses: {
        200: jsonResponse(segmentOutSchema, 'The segment'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').segments.get(c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/segments/{id}/preview',
      tags: ['Segments'],
      summary: 'Count and sample the members of a segment, with reasons',
      request: {
        params: IdParam,
        query: z.object({ sampleSize: previewOptionsSchema.shape.sampleSize }),
      },
      responses: {
        200: jsonResponse(segmentPreviewOutSchema, 'Count and sample'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(
        jsonify(
          await c.get('tenant').segments.preview(c.req.valid('param').id, c.req.valid('query')),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/segments/{id}',
      tags: ['Segments'],
      summary: 'Rename a segment or replace its rule or vector (null removes one)',
      request: { params: IdParam, body: jsonBody(segmentUpdateSchema) },
      responses: {
        200: jsonResponse(segmentOutSchema, 'The updated segment'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(
        jsonify(
          await c.get('tenant').segments.update(c.req.valid('param').id, c.req.valid('json')),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/segments/{id}',
      tags: ['Segments'],
      summary: 'Delete a segment (admin+)',
      request: { params: IdParam },
      responses: {
        204: { description: 'Deleted' },
        409: conflictResponse('A campaign targets this segment'),
        ...commonErrorResponses,
      },
    }),
    async (c) => {
      await c.get('tenant').segments.remove(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
}
