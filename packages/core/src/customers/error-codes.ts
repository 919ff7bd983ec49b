/** Error codes of the customers module. */
export const CustomerErrorCode = {
  /** No such customer in the caller's organization. */
  CUSTOMER_NOT_FOUND: 'CUSTOMER_NOT_FOUND',
  /** The customer has messages/events that block a plain delete; use erase. */
  CUSTOMER_HAS_HISTORY: 'CUSTOMER_HAS_HISTORY',
} as const;

export type CustomerErrorCode = (typeof CustomerErrorCode)[keyof typeof CustomerErrorCode];
