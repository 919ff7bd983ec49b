/**
 * An organization's attribution settings (`organization_settings.attribution`, migration
 * 0033): which touches count, how far back each reaches, the time-decay half-life, and which
 * of its own events are conversions. Stored as one JSON document; what is absent takes its
 * default, so `{}` (no row, or never changed) is the default configuration.
 */
import { z } from '@hono/zod-openapi';
import type { Scope } from '../scope.js';

/** The conversion events GreenTrack writes itself (see `conversions.ts`). */
export const BUILTIN_CONVERSIONS = {
  /** A succeeded payment: revenue is its amount. */
  payment: 'payment_received',
  /** A refund: revenue is minus its amount, credited like the payment it reverses. */
  refund: 'payment_refunded',
  /** An invoice paid: revenue is what payments recorded in GreenTrack did not already count. */
  invoice: 'invoice_paid',
} as const;

/** The property of a built-in conversion event that holds its revenue, in integer cents. */
export const REVENUE_PROPERTY = 'revenue_cents';

const builtinNames: readonly string[] = Object.values(BUILTIN_CONVERSIONS);

const days = (fallback: number) => z.number().int().min(0).max(365).default(fallback);

/** One configured conversion: events of this name count, with revenue read from a property. */
const conversionEventSchema = z.object({
  /** The `events.name` that counts as a conversion (e.g. `booking_request`). */
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine((name) => !builtinNames.includes(name), {
      message: 'is a built-in conversion; it always counts',
    }),
  /**
   * The property holding the conversion's revenue in integer cents (a number; anything else,
   * or no property, is 0 revenue; fractions are rounded).
   */
  revenueProperty: z.string().trim().min(1).max(200).optional(),
});

/** The stored document, every field optional; parsing it fills in the defaults. */
export const attributionSettingsSchema = z
  .object({
    /** Which touchpoints count. */
    touches: z
      .object({
        /** A click on a tracked link in a message. */
        click: z.boolean().default(true),
        /** An email opened (pixel opens are noisy: off by default). */
        open: z.boolean().default(false),
        /** An SMS delivered (SMS has no opens; off by default). */
        delivered: z.boolean().default(false),
        /** An analytics event whose `utm_campaign` names one of the organization's campaigns. */
        utm: z.boolean().default(true),
      })
      .prefault({}),
    /** How long before a conversion a touch of each type still counts, in days. */
    lookbackDays: z
      .object({
        click: days(7),
        open: days(1),
        delivered: days(1),
        utm: days(7),
      })
      .prefault({}),
    /** `time_decay`: a touch this many days older than another weighs half as much. */
    halfLifeDays: z.number().positive().max(365).default(7),
    /** The organization's own conversion events, besides the built-in ones. */
    conversions: z
      .array(conversionEventSchema)
      .max(50)
      .default([])
      .refine((list) => new Set(list.map((c) => c.name)).size === list.length, {
        message: 'names a conversion twice',
      }),
  })
  .strict();

/** The attribution settings with every default filled in. */
export type AttributionSettings = z.output<typeof attributionSettingsSchema>;

/** The default settings (what an organization that never changed them has). */
export const DEFAULT_ATTRIBUTION_SETTINGS: AttributionSettings = attributionSettingsSchema.parse(
  {},
);

/**
 * The scope's organization's attribution settings, defaults filled in. A stored document
 * that no longer parses (written by a newer version) falls back to the defaults rather than
 * stopping attribution.
 */
export async function getAttributionSettings(scope: Scope): Promise<AttributionSettings> {
  const row = await scope.db
    .selectFrom('organization_settings')
    .select('attribution')
    .where('organization_id', '=', scope.organizationId)
    .executeTakeFirst();
  const parsed = attributionSettingsSchema.safeParse(row?.attribution ?? {});
  return parsed.success ? parsed.data : DEFAULT_ATTRIBUTION_SETTINGS;
}
