/** Codes of the errors the Twilio adapter throws itself (provider failures carry Twilio's own codes). */
export const TwilioErrorCode = {
  /** `twilioSms()` was given neither a client nor credentials, or no sender. */
  TWILIO_CONFIG_INVALID: 'TWILIO_CONFIG_INVALID',
} as const;
