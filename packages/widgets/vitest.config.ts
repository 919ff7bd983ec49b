import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import type { BrowserCommand } from 'vitest/node';
import { reportersFor } from '../../vitest.shared.js';

/** `commands.setColorScheme('dark')` in a test: emulates `prefers-color-scheme` for the page. */
const setColorScheme: BrowserCommand<['light' | 'dark']> = async (context, scheme) => {
  await context.page.emulateMedia({ colorScheme: scheme });
};

// Components are tested in a real Chromium. Nothing downloads a browser: we
// launch the system one (Debian: `apt-get install -y chromium`).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'browser',
          include: ['src/**/*.test.ts'],
          // A real GreenTrack server (Node) for the widgets that talk to the API.
          globalSetup: ['./test/global-setup.ts'],
          browser: {
            enabled: true,
            headless: true,
            commands: { setColorScheme },
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
                args: [
                  '--headless',
                  '--no-sandbox',
                  '--disable-gpu',
                  '--disable-background-networking',
                  '--disable-component-update',
                  '--disable-sync',
                ],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        // Checks of the package itself (the manifest, package.json), in Node.
        test: { name: 'node', include: ['test/**/*.node.test.ts'], environment: 'node' },
      },
    ],
    ...reportersFor('widgets'),
  },
});
