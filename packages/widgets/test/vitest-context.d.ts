// What the browser tests get from vitest.config.ts and test/global-setup.ts.
declare module 'vitest' {
  export interface ProvidedContext {
    greentrackApi: {
      baseUrl: string;
      token: string;
      /** Signed correctly, expired an hour ago. */
      expiredToken: string;
      /** Scopes `segment.read` only. */
      readOnlyToken: string;
      /** A second organization of `customers` generated customers ("Member 000001"…). */
      big: { token: string; customers: number; seedMs: number };
      /** The dashboard's organization (test/dashboard-fixture.ts): its token and campaign ids. */
      dashboard: {
        token: string;
        /** Scopes `campaign.read` only. */
        readToken: string;
        campaigns: { spring: string; autumn: string };
      };
    };
  }
}

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** Emulates `prefers-color-scheme` for the page (Playwright `page.emulateMedia`). */
    setColorScheme: (scheme: 'light' | 'dark') => Promise<void>;
  }
}

export {};
