/**
 * OpenAPI building blocks shared by every module's routes.
 */
import { z } from '@hono/zod-openapi';

/** The error body every failing response carries. */
const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

/** A timestamp as it appears in JSON responses. */
export const Timestamp = z
  .string()
  .openapi({ format: 'date-time', example: '2026-05-01T12:00:00.000Z' });

/** A `{id}` path parameter. */
export const IdParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }),
});

const errorContent = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorResponseSchema } },
});

/** Error responses most authenticated routes can return. */
export const commonErrorResponses = {
  400: errorContent('Invalid input: `details.issues` lists each field'),
  401: errorContent('Missing, invalid or expired credentials'),
  403: errorContent("The caller's role (or token scopes) does not allow this action"),
  404: errorContent('Not found in the caller’s organization'),
  413: errorContent('Request body too large'),
  500: errorContent('Internal error'),
} as const;

/** A 409 response, described for the route. */
export function conflictResponse(description: string) {
  return errorContent(description);
}

/** An error response of a status only some routes answer (e.g. 422), described for the route. */
export function errorResponse(description: string) {
  return errorContent(description);
}

/** A JSON response of `schema`. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** A JSON request body of `schema`. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } };
}
