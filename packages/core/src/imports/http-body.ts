/**
 * Request bodies of `POST /customers/import` as byte streams: a `text/csv` body as it
 * arrives, or the `file` part of a `multipart/form-data` upload (parsed as it streams by
 * `@fastify/busboy`, never buffered whole). Both are capped at `maxBytes` while they
 * stream, unlike Hono's `bodyLimit`, which buffers a body without `Content-Length`.
 */
import { Readable } from 'node:stream';
import { Busboy, type BusboyFileStream } from '@fastify/busboy';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import { HttpErrorCode } from '../http/error-codes.js';
import { ImportErrorCode } from './error-codes.js';

/** The form field holding the CSV in a multipart upload. */
export const IMPORT_FILE_FIELD = 'file';

function tooLarge(maxBytes: number): GreenTrackError {
  return new GreenTrackError({
    code: HttpErrorCode.PAYLOAD_TOO_LARGE,
    message: `Import body larger than ${maxBytes} bytes (http.maxImportBytes)`,
    details: { maxBytes },
  });
}

/** What kind of body a content type announces, or `null` for one we do not take. */
export function importBodyKind(contentType: string | null): 'csv' | 'multipart' | null {
  const [type = '', ...params] = (contentType ?? '').split(';').map((p) => p.trim().toLowerCase());
  if (type === 'multipart/form-data') return 'multipart';
  if (type !== 'text/csv' && type !== 'application/csv') return null;
  // The parser reads UTF-8; refuse a declared charset it would misread.
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '');
  return charset === undefined ||
    charset === 'utf-8' ||
    charset === 'utf8' ||
    charset === 'us-ascii'
    ? 'csv'
    : null;
}

/** Fails fast on a declared length over the cap; `bytesWithin` catches the rest. */
export function checkDeclaredLength(request: Request, maxBytes: number): void {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
}

/** Passes `body` through, failing with `PAYLOAD_TOO_LARGE` once more than `maxBytes` went by. */
export async function* bytesWithin(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(maxBytes);
    yield chunk;
  }
}

/**
 * The bytes of the `file` part of a multipart body. Lazy: nothing is read until the first
 * chunk is asked for (so authorization fails before the upload is touched). Other parts
 * are skipped as they stream by. @throws `IMPORT_FILE_MISSING`, `VALIDATION_FAILED`
 */
export async function* multipartFile(
  body: AsyncIterable<Uint8Array>,
  contentType: string,
): AsyncGenerator<Uint8Array> {
  let busboy: ReturnType<typeof Busboy>;
  try {
    busboy = Busboy({
      headers: { 'content-type': contentType },
      limits: { files: 1 },
      // A part named `file` is the CSV even when the client sent it without a filename.
      isPartAFile: (field, _type, filename) =>
        field === IMPORT_FILE_FIELD || filename !== undefined,
    });
  } catch (error) {
    throw malformed(error);
  }
  const input = Readable.from(body);
  let stream: BusboyFileStream | undefined;
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error instanceof GreenTrackError ? error : malformed(error);
    stream?.destroy(failure as Error);
  };
  const file = new Promise<BusboyFileStream>((resolve, reject) => {
    busboy.on('file', (field, part) => {
      if (field === IMPORT_FILE_FIELD && !stream) {
        stream = part;
        resolve(part);
      } else part.resume();
    });
    busboy.on('error', (error: unknown) => {
      fail(error);
      reject(failure);
    });
    input.on('error', (error) => {
      fail(error);
      reject(failure);
    });
  });
  // Settles once busboy has read the whole body (closing boundary included).
  const finished = new Promise<void>((resolve, reject) => {
    busboy.on('finish', () => {
      resolve();
      if (!stream) {
        fail(
          new GreenTrackError({
            code: ImportErrorCode.IMPORT_FILE_MISSING,
            message: `The multipart body has no file part named '${IMPORT_FILE_FIELD}'`,
          }),
        );
      }
    });
    busboy.on('error', reject);
    input.on('error', reject);
  });
  finished.catch(() => {});
  const missing = finished.then(() => Promise.reject(failure));
  missing.catch(() => {});
  input.pipe(busboy);
  let completed = false;
  try {
    const part = await Promise.race([file, missing]);
    try {
      for await (const chunk of part) yield chunk as Uint8Array;
    } catch (error) {
      // e.g. a body cut before its closing boundary: the part stream fails on its own.
      throw failure ?? malformed(error);
    }
    if (failure) throw failure;
    // The rest of the body is only the closing boundary (or parts we skip): drain it.
    await finished;
    completed = true;
  } finally {
    if (!completed) {
      input.unpipe(busboy);
      input.destroy();
    }
  }
}

function malformed(error: unknown): GreenTrackError {
  if (error instanceof GreenTrackError) return error;
  return new GreenTrackError({
    code: CommonErrorCode.VALIDATION_FAILED,
    message: `Malformed multipart body: ${error instanceof Error ? error.message : String(error)}`,
    details: { issues: [{ path: '(body)', message: 'malformed multipart/form-data' }] },
    cause: error,
  });
}
