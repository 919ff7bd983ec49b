/**
 * HTTP routes of the tenancy module: the caller, their organization, its memberships.
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
import type { TenancyFacade } from './facade.js';
import {
  MembershipCreateBody,
  MembershipListSchema,
  MembershipSchema,
  MembershipUpdateBody,
  MeSchema,
  OrganizationSchema,
  OrganizationUpdateBody,
} from './http-schemas.js';

export function registerTenancyRoutes(app: ApiApp<TenancyFacade>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/me',
      tags: ['Tenancy'],
      summary: 'The calling user, their role here, and all their organizations',
      responses: { 200: jsonResponse(MeSchema, 'The caller'), ...commonErrorResponses },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').me()), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/organization',
      tags: ['Tenancy'],
      summary: "The caller's organization",
      responses: {
        200: jsonResponse(OrganizationSchema, 'The organization'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').organization.get()), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/organization',
      tags: ['Tenancy'],
      summary: 'Rename the organization (admin+)',
      request: { body: jsonBody(OrganizationUpdateBody) },
      responses: {
        200: jsonResponse(OrganizationSchema, 'The updated organization'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(jsonify(await c.get('tenant').organization.update(c.req.valid('json'))), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/memberships',
      tags: ['Tenancy'],
      summary: 'Members of the organization',
      responses: { 200: jsonResponse(MembershipListSchema, 'Members'), ...commonErrorResponses },
    }),
    async (c) => c.json({ items: jsonify(await c.get('tenant').memberships.list()) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/memberships',
      tags: ['Tenancy'],
      summary: 'Add an existing user to the organization (admin+; owners only for role owner)',
      request: { body: jsonBody(MembershipCreateBody) },
      responses: {
        201: jsonResponse(MembershipSchema, 'The new membership'),
        409: conflictResponse('Already a member'),
        ...commonErrorResponses,
      },
    }),
    async (c) => c.json(jsonify(await c.get('tenant').memberships.add(c.req.valid('json'))), 201),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/memberships/{id}',
      tags: ['Tenancy'],
      summary: "Change a member's role (admin+; owners only when ownership changes)",
      request: { params: IdParam, body: jsonBody(MembershipUpdateBody) },
      responses: {
        200: jsonResponse(MembershipSchema, 'The updated membership'),
        409: conflictResponse('Would leave the organization without an owner'),
        ...commonErrorResponses,
      },
    }),
    async (c) =>
      c.json(
        jsonify(
          await c
            .get('tenant')
            .memberships.updateRole(c.req.valid('param').id, c.req.valid('json')),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/memberships/{id}',
      tags: ['Tenancy'],
      summary: 'Remove a member (admin+; owners only for owners; never the last owner)',
      request: { params: IdParam },
      responses: {
        204: { description: 'Removed' },
        409: conflictResponse('Would leave the organization without an owner'),
        ...commonErrorResponses,
      },
    }),
    async (c) => {
      await c.get('tenant').memberships.remove(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
}
