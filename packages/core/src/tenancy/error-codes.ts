/** Error codes of the tenancy module. */
export const TenancyErrorCode = {
  /** The user has no membership in the organization (or it does not exist). */
  NOT_A_MEMBER: 'NOT_A_MEMBER',
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  USER_EMAIL_TAKEN: 'USER_EMAIL_TAKEN',
  ORGANIZATION_NOT_FOUND: 'ORGANIZATION_NOT_FOUND',
  MEMBERSHIP_NOT_FOUND: 'MEMBERSHIP_NOT_FOUND',
  MEMBERSHIP_EXISTS: 'MEMBERSHIP_EXISTS',
  /** The change would leave the organization without an owner. */
  LAST_OWNER: 'LAST_OWNER',
} as const;

export type TenancyErrorCode = (typeof TenancyErrorCode)[keyof typeof TenancyErrorCode];
