/**
 * What `<gt-provider>` shares with the widgets inside it (through `@lit/context`).
 */
import { createContext } from '@lit/context';
import type { GtMessagesOverride } from '../base/messages.js';

export interface GtConnection {
  /** Where the GreenTrack API is mounted, e.g. `/api/greentrack`. */
  apiBase: string | undefined;
  /** The current widget token. */
  token: string | undefined;
  /** String overrides for every widget inside. */
  messages: GtMessagesOverride | undefined;
}

export const connectionContext = createContext<GtConnection | undefined>(
  Symbol.for('greentrack.connection'),
);
