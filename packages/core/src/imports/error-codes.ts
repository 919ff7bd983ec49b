/** Error codes of the CSV import module. */
export const ImportErrorCode = {
  /**
   * The CSV cannot be parsed (an unclosed quote, a record over the size limit, ...). Batches
   * committed before the failure stay (`details.committed` counts them); rows read just
   * before the bad spot may not have been written. Fix the file and import it again.
   */
  IMPORT_MALFORMED_CSV: 'IMPORT_MALFORMED_CSV',
  /**
   * The header cannot be mapped: a mapped header is missing, two columns map to one field, or
   * no column holds an email or a phone to match customers on.
   */
  IMPORT_MAPPING_INVALID: 'IMPORT_MAPPING_INVALID',
  /** `POST /customers/import` got a body that is neither `text/csv` nor `multipart/form-data`. */
  IMPORT_UNSUPPORTED_MEDIA_TYPE: 'IMPORT_UNSUPPORTED_MEDIA_TYPE',
  /** A multipart upload has no file part named `file`. */
  IMPORT_FILE_MISSING: 'IMPORT_FILE_MISSING',
} as const;

export type ImportErrorCode = (typeof ImportErrorCode)[keyof typeof ImportErrorCode];
