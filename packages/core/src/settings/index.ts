/**
 * Settings: the organization's sending settings — its time zone and the frequency cap per
 * channel. (The consent policy, in the same table, belongs to the consent module.)
 */
import { defineModule } from '../module.js';
import { settingsFacade, settingsPermissions } from './facade.js';
import { registerSettingsRoutes } from './routes.js';

export type { SendingSettingsUpdate } from './schema.js';
export type { FrequencyCap, SendingSettings } from './service.js';
export { DEFAULT_SENDING_SETTINGS, getSendingSettings } from './service.js';
export { changeSettingsRow } from './settings-row.js';

export const settingsModule = defineModule({
  name: 'settings',
  permissions: settingsPermissions,
  routes: registerSettingsRoutes,
  facade: settingsFacade,
});
