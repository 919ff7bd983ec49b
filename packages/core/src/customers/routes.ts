/**
 * HTTP routes of the customers module.
 */
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../http/env.js';
import { jsonify } from '../http/json.js';
import {
  commonErrorResponses,
  conflictResponse,
  IdParam,
  jsonBody,
  jsonResponse,
} from '../http/schemas.js';
import type { CustomersFacade } from './facade.js';
import {
  customerCreateSchema,
  customerListQuerySchema,
  customerOutSchema,
  customerPageSchema,
  customerUpdateSchema,
  tagListOutSchema,
} from './schema.js';

export function registerCustomerRoutes(app: ApiApp<CustomersFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/customers',
      tags: ['Customers'],
      summary: 'List and search customers (cursor pagination; total on request)',
      request: { query: customerListQuerySchema },
      responses: { 200: jsonResponse(customerPageSchema, 'One page'), ...commonErrorResponses },
    }),
    async (c) => {
      // The query was validated by the route; the service parses the raw query again so
      // that its defaults and transforms apply the same way to in-process callers.
      const page = await c.get('tenant').customers.list(c.req.query() as never);
      return c.json(jsonify(page), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/customers',
      tags: ['Customers'],
      summary: 'Create a customer (email validated, phone normalized to E.164)',
      request: { body: jsonBody(customerCreateSchema) },
      responses: { 201: jsonResponse(customerOutSchema, 'The customer'), ...commonErrorResponses },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').customers.create(await c.req.json())), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/customers/{id}',
      tags: ['Customers'],
      summary: 'One customer',
      request: { params: IdParam },
      responses: { 200: jsonResponse(customerOutSchema, 'The customer'), ...commonErrorResponses },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').customers.get(c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/customers/{id}',
      tags: ['Customers'],
      summary: 'Update some fields (null clears; tags replaces the set)',
      request: { params: IdParam, body: jsonBody(customerUpdateSchema) },
      responses: { 200: jsonResponse(customerOutSchema, 'The customer'), ...commonErrorResponses },
    }),
    async (c) =>
      c.json(
        jsonify(
          await c.get('tenant').customers.update(c.req.valid('param').id, await c.req.json()),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/customers/{id}',
      tags: ['Customers'],
      summary: 'Delete a customer without history (admin+); use erase for one with history',
      request: { params: IdParam },
      responses: {
        204: { description: 'Deleted' },
        409: conflictResponse('The customer has messages, events or attributions'),
        ...commonErrorResponses,
      },
    }),
    async (c) => {
      await c.get('tenant').customers.remove(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/tags',
      tags: ['Customers'],
      summary: 'The tags customers carry, most used first (suggestions for tag inputs)',
      responses: { 200: jsonResponse(tagListOutSchema, 'Tags in use'), ...commonErrorResponses },
    }),
    async (c) => c.json({ items: await c.get('tenant').tags.list() }, 200),
  );
}
