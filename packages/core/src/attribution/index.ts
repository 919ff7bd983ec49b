/**
 * Attribution: which campaign messages and UTM visits earned each conversion (payments,
 * paid invoices, configured events), credited by the four seed models in integer cents.
 */
import { defineModule } from '../module.js';
import { attributionCustomerData } from './customer-data.js';

export { conversionsSql } from './conversions.js';
export { BUILTIN_CONVERSIONS, getAttributionSettings } from './settings.js';

export const attributionModule = defineModule({
  name: 'attribution',
  customerData: attributionCustomerData,
  tenantTables: ['attributions'],
});
