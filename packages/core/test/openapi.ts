/**
 * The API's own OpenAPI document as a list of operations, for the test harnesses that must
 * grow with every route (the tenant-isolation matrix, the schema fuzzer): they walk this
 * list, so a new route is covered — or fails for want of an entry — without anyone
 * remembering to add it.
 */
import type { GreenTrack } from '../src/greentrack.js';

/** The part of a JSON Schema (as `@hono/zod-openapi` emits it) the harnesses read. */
export type JsonSchema = { [keyword: string]: unknown };

/** One parameter of an operation. */
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

/** One operation of the document. */
export interface Operation {
  /** `GET`, `POST`, … */
  method: string;
  /** The template below the base path, e.g. `/customers/{id}`. */
  path: string;
  /** `GET /customers/{id}`: the key the harnesses' tables use. */
  key: string;
  parameters: Parameter[];
  /** Content type → schema of the request body, when there is one. */
  body: Record<string, JsonSchema> | undefined;
  /** The documented statuses (`'200'`, `'404'`, …). */
  statuses: string[];
  /** The one 2xx status the operation answers on success (a redirect's 3xx without one). */
  success: number;
  /** Content types of the success response (none for a 204 or a redirect). */
  successTypes: string[];
  /** `security: []`: the route needs no credentials. */
  isPublic: boolean;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, JsonSchema> };
}

interface RawOperation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
  security?: unknown[];
}

/** Fetches `GET {base}/openapi.json` from `gt`. */
export async function openApiDocument(gt: GreenTrack, base: string): Promise<OpenApiDocument> {
  const res = await gt.handler(new Request(`${base}/openapi.json`));
  if (res.status !== 200) throw new Error(`openapi.json answered ${res.status}`);
  return (await res.json()) as OpenApiDocument;
}

/** Every operation of `document`, paths relative to `basePath`. */
export function operationsOf(document: OpenApiDocument, basePath: string): Operation[] {
  return Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([lower, raw]) => {
      const method = lower.toUpperCase();
      const path = template.startsWith(basePath) ? template.slice(basePath.length) : template;
      const statuses = Object.keys(raw.responses);
      const success =
        statuses.map(Number).find((s) => s >= 200 && s < 300) ??
        statuses.map(Number).find((s) => s >= 300 && s < 400);
      if (success === undefined) throw new Error(`${method} ${path} documents no 2xx`);
      return {
        method,
        path,
        key: `${method} ${path}`,
        parameters: raw.parameters ?? [],
        body: raw.requestBody
          ? Object.fromEntries(
              Object.entries(raw.requestBody.content).map(([type, c]) => [type, c.schema]),
            )
          : undefined,
        statuses,
        success,
        successTypes: Object.keys(
          (raw.responses[String(success)] as { content?: Record<string, unknown> } | undefined)
            ?.content ?? {},
        ),
        isPublic: Array.isArray(raw.security) && raw.security.length === 0,
      };
    }),
  );
}

/** `/customers/{id}` with `{ id }` filled in (URI-encoded). */
export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
}
