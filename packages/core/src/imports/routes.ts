/**
 * HTTP route of the CSV import: `POST /customers/import`.
 *
 * The body streams into the import: `text/csv` as is, or the `file` part of a
 * `multipart/form-data` upload. It is exempt from the global `http.maxBodyBytes` (1 MiB by
 * default) and capped instead by `http.maxImportBytes` (50 MiB by default) while it streams.
 * Options travel in the query string, so they are known before the body is read:
 *
 * ```
 * POST /customers/import?mapping={"Email Address":"email"}&tags=fair-2026,newsletter
 * Content-Type: text/csv
 * ```
 */
import { createRoute } from '@hono/zod-openapi';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import { streamsOwnBody } from '../http/body-limit.js';
import type { ApiApp } from '../http/env.js';
import { commonErrorResponses, conflictResponse, jsonResponse } from '../http/schemas.js';
import type { RouteContext } from '../module.js';
import { ImportErrorCode } from './error-codes.js';
import type { ImportsFacade } from './facade.js';
import {
  bytesWithin,
  checkDeclaredLength,
  IMPORT_FILE_FIELD,
  importBodyKind,
  multipartFile,
} from './http-body.js';
import { importQuerySchema, importResultSchema } from './schema.js';

/** The route's path below the API's base path. */
const IMPORT_ROUTE_PATH = '/customers/import';

/** Reads the `mapping` query parameter (a JSON object). @throws `VALIDATION_FAILED` */
function parseMappingParam(raw: string | undefined): Record<string, never> | undefined {
  if (raw === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, never>;
    }
  } catch {
    // reported below
  }
  throw new GreenTrackError({
    code: CommonErrorCode.VALIDATION_FAILED,
    message: 'Invalid query: mapping: must be a JSON object of CSV header → customer field',
    details: {
      location: 'query',
      issues: [
        { path: 'mapping', message: 'must be a JSON object of CSV header → customer field' },
      ],
    },
  });
}

export function registerImportRoutes(app: ApiApp<ImportsFacade>, context: RouteContext): void {
  const maxBytes = context.maxStreamedBodyBytes;
  app.openapi(
    createRoute({
      method: 'post',
      path: IMPORT_ROUTE_PATH,
      // Exempt from `http.maxBodyBytes`, which buffers: capped by `maxImportBytes` as it streams.
      middleware: [streamsOwnBody] as const,
      tags: ['Customers'],
      summary: 'Import customers from CSV (streamed; upsert by email, then phone; admin+)',
      description: [
        'Streams the CSV into the organization in batches of 10,000 rows, each committed with one audit row.',
        'Rows match an existing customer by email (case-insensitive), else by phone (E.164); matches get',
        'their non-empty cells written (empty cells never erase), others are created. Bad rows are reported',
        'in `errors` with their 1-based data row number (header excluded) and field; good rows still import.',
        'Re-importing the same file changes nothing. The body is capped by `http.maxImportBytes` (50 MiB default),',
        'not by `http.maxBodyBytes`.',
      ].join(' '),
      request: {
        query: importQuerySchema,
        // Plain OpenAPI schemas on purpose: a zod form schema would make the router parse
        // (and buffer) the whole multipart body before the handler runs.
        body: {
          required: true,
          content: {
            'text/csv': {
              schema: {
                type: 'string',
                description: 'UTF-8 CSV with a header row (a BOM is fine)',
                example:
                  'Name,E-mail,Phone Number,Zip,Tags\nAna Baker,ana@example.com,(415) 555-2671,94110,"vip, newsletter"\n',
              },
            },
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: {
                  [IMPORT_FILE_FIELD]: {
                    type: 'string',
                    format: 'binary',
                    description: 'The CSV file',
                  },
                },
                required: [IMPORT_FILE_FIELD],
              },
            },
          },
        },
      },
      responses: {
        200: jsonResponse(importResultSchema, 'What the import did (errors capped at 1000)'),
        415: conflictResponse('The body is neither text/csv (UTF-8) nor multipart/form-data'),
        ...commonErrorResponses,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const request = c.req.raw;
      const contentType = request.headers.get('content-type');
      const kind = importBodyKind(contentType);
      if (!kind || !contentType) {
        throw new GreenTrackError({
          code: ImportErrorCode.IMPORT_UNSUPPORTED_MEDIA_TYPE,
          message: `Send the CSV as text/csv (UTF-8) or as the '${IMPORT_FILE_FIELD}' part of multipart/form-data, not ${contentType ?? 'no content type'}`,
          details: { contentType, accepted: ['text/csv', 'multipart/form-data'] },
        });
      }
      checkDeclaredLength(request, maxBytes);
      const body = request.body ?? (async function* () {})();
      const bytes = bytesWithin(body, maxBytes);
      const tags =
        query.tags === undefined
          ? undefined
          : (Array.isArray(query.tags) ? query.tags : query.tags.split(','))
              .map((t) => t.trim())
              .filter(Boolean);
      const result = await c
        .get('tenant')
        .customers.import(kind === 'csv' ? bytes : multipartFile(bytes, contentType), {
          mapping: parseMappingParam(query.mapping),
          tags,
          defaultType: query.default_type,
          defaultCountry: query.default_country,
        });
      return c.json(result, 200);
    },
  );
}
