/**
 * The attribution module's part of `gt.as(actor)`: the credits (`org.attribution`) and the
 * settings that decide them (`org.settings.attribution`, beside the other settings).
 */
import type { FacadeContext } from '../module.js';
import type { AttributionListQuery, AttributionSettingsUpdate, RecomputeInput } from './schema.js';
import {
  type AttributionPage,
  listAttributions,
  type RecomputeResult,
  recomputeAttributions,
} from './service.js';
import { type AttributionSettings, getAttributionSettings } from './settings.js';
import { setAttributionSettings } from './settings-api.js';

export const attributionPermissions = {
  /** Reading credits and the attribution settings. */
  'attribution.read': 'staff',
  /** Changing the settings and rebuilding credits (what every revenue report reads). */
  'attribution.write': 'admin',
} as const;
type AttributionAction = keyof typeof attributionPermissions;

export interface AttributionFacade {
  attribution: {
    /**
     * One page of credits, newest first (staff+); by conversion event, campaign and model.
     * @example await org.attribution.list({ campaignId: campaign.id, model: 'time_decay' })
     */
    list(query?: AttributionListQuery): Promise<AttributionPage>;
    /**
     * Deletes and rebuilds the credits of the conversions that occurred in [since, until)
     * with the current settings, in one transaction (admin+); idempotent; audited.
     * @throws `VALIDATION_FAILED`
     * @example await org.attribution.recompute({ since: new Date('2026-05-01'), model: 'linear' })
     */
    recompute(input: RecomputeInput): Promise<RecomputeResult>;
  };
  settings: {
    attribution: {
      /** The attribution settings, defaults filled in (staff+). */
      get(): Promise<AttributionSettings>;
      /**
       * Changes the given fields (admin+); audited. Past credits are not recomputed.
       * @throws `VALIDATION_FAILED`
       * @example await org.settings.attribution.set({ touches: { open: true }, halfLifeDays: 3 })
       */
      set(input: AttributionSettingsUpdate): Promise<AttributionSettings>;
    };
  };
}

export function attributionFacade({ on }: FacadeContext<AttributionAction>): AttributionFacade {
  return {
    attribution: {
      list: on('attribution.read', (scope, query?: AttributionListQuery) =>
        listAttributions(scope, query),
      ),
      recompute: on('attribution.write', recomputeAttributions),
    },
    settings: {
      attribution: {
        get: on('attribution.read', getAttributionSettings),
        set: on('attribution.write', setAttributionSettings),
      },
    },
  };
}
