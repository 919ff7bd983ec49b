import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { reportersFor } from '../../vitest.shared.js';

// Components are tested in a real Chromium. Nothing downloads a browser: we
// launch the system one (Debian: `apt-get install -y chromium`).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // A real GreenTrack server (Node) for the widgets that talk to the API.
    globalSetup: ['./test/global-setup.ts'],
    browser: {
      enabled: true,
      headless: true,
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
    ...reportersFor('widgets'),
  },
});
