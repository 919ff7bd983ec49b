/** Error codes of the templates module. */
export const TemplateErrorCode = {
  /** No such template in the caller's organization. */
  TEMPLATE_NOT_FOUND: 'TEMPLATE_NOT_FOUND',
  /**
   * The content or subject does not parse, uses an unknown filter or a variable outside the
   * documented set, or is invalid MJML. `details.issues` lists each problem as
   * `{ path, message, line, column, variable? }` (`path`: `content` or `subject`).
   */
  TEMPLATE_INVALID: 'TEMPLATE_INVALID',
  /** A campaign still uses the template, so it cannot be deleted. */
  TEMPLATE_IN_USE: 'TEMPLATE_IN_USE',
  /**
   * A valid template could not be rendered with the data given: a variable the context
   * lacks (`invoice.total` with no invoice), a failing filter, a render limit reached.
   * `details.issues` has one issue, with its line and column when Liquid knows them.
   */
  TEMPLATE_RENDER_FAILED: 'TEMPLATE_RENDER_FAILED',
} as const;

export type TemplateErrorCode = (typeof TemplateErrorCode)[keyof typeof TemplateErrorCode];
