import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // A console page answering a click can take seconds on a loaded 2-core runner (the suite runs
    // servers, PostgreSQL and Chromium side by side); 1 s, the default, failed a reveal there.
    expect: { poll: { timeout: 15_000 } },
  },
});
