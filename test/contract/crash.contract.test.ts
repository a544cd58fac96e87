import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app.js';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';

const WRITER = join(import.meta.dirname, '..', 'support', 'crash-writer.ts');

for (const target of engines()) {
  describe(`crash mid-write on ${target.engine}`, () => {
    let f: AppFixture | undefined;
    afterEach(async () => {
      await f?.cleanup();
      f = undefined;
    });

    it('leaves a consistent store after kill -9: every customer has its index rows and audit record, the chain verifies', async () => {
      f = await freshApp(target);
      await f.app.close();
      const child = spawn(process.execPath, ['--import', 'tsx', WRITER, f.dataDir, f.dbUrl ?? ''], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let written = 0;
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          written = Number(d.toString().trim().split('\n').pop());
          if (written >= 400) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', (code, signal) =>
          signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited ${code}`)),
        );
        setTimeout(() => reject(new Error('writer too slow')), 60_000);
      });
      await new Promise((r) => child.on('close', r));
      const app = await openApp({ dataDir: f.dataDir, dbUrl: f.dbUrl });
      f.app = app;
      const db = app.kernel.store.db;
      const customers = await db.selectFrom('customers').select('id').execute();
      expect(customers.length).toBeGreaterThanOrEqual(400);
      expect(customers.length % 50).toBe(0);
      const mobileRows = await db
        .selectFrom('blind_index')
        .select('customer_id')
        .where('field', '=', 'mobile')
        .execute();
      expect(mobileRows.length).toBe(customers.length);
      const created = await app.kernel.audit.query({ action: 'customer.create', limit: 10_000 });
      expect(created.reduce((n, e) => n + e.subjects.length, 0)).toBe(customers.length);
      expect((await app.kernel.audit.verify()).ok).toBe(true);
    });
  });
}
