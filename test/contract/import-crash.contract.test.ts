import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openApp, systemActor } from '../../src/app.js';
import { generateSyntheticFile, type SyntheticSummary } from '../../src/modules/synthetic/index.js';
import { type AppFixture, freshApp } from '../support/app-fixture.js';
import { engines } from '../support/engines.js';
import { countsOfSidecar } from '../support/sidecar.js';

const RUNNER = join(import.meta.dirname, '..', 'support', 'import-crash-runner.ts');

for (const target of engines()) {
  describe(`import killed mid-batch on ${target.engine}`, () => {
    let f: AppFixture | undefined;
    afterEach(async () => {
      await f?.cleanup();
      f = undefined;
    });

    it('resumes after kill -9: later rows still merge into customers of the killed run, none twice', async () => {
      f = await freshApp(target);
      await f.app.close();
      const file = join(f.dataDir, 'crash.csv');
      // Reformatted duplicates land anywhere in the file; those whose first copy came before the kill
      // only merge if the resumed run reloads the killed run's keys from its customers' rows.
      await generateSyntheticFile({
        count: 1500,
        seed: 'resume',
        dirtyRate: 0.08,
        format: 'csv',
        outPath: file,
      });
      const expected = (JSON.parse(readFileSync(`${file}.truth.json`, 'utf8')) as SyntheticSummary).expected;
      expect(expected.merged).toBeGreaterThan(5);

      const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, f.dataDir, f.dbUrl ?? '', file], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let rows = 0;
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          const last = d.toString().trim().split('\n').pop() ?? '';
          if (last === 'done') reject(new Error('the import finished before it could be killed'));
          rows = Number(last);
          if (rows >= 500) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', (code, signal) =>
          signal === 'SIGKILL' ? resolve() : reject(new Error(`import exited ${code}`)),
        );
        setTimeout(() => reject(new Error('import too slow')), 90_000);
      });
      await new Promise((r) => child.on('close', r));

      const app = await openApp({ dataDir: f.dataDir, dbUrl: f.dbUrl });
      f.app = app;
      const db = app.kernel.store.db;
      const interrupted = await db.selectFrom('import_batches').select(['status', 'rows_done']).execute();
      expect(interrupted).toHaveLength(1);
      expect(interrupted[0]?.status).toBe('running');
      expect(interrupted[0]?.rows_done).toBeGreaterThanOrEqual(500);
      // The killed run's customers are stored but not searchable yet.
      expect(await db.selectFrom('blind_index').select('field').execute()).toEqual([]);

      const report = await app.ingest.run(systemActor(app.kernel, 'crash'), file, { purposes: ['sales'] });
      expect(report).toMatchObject({ resumed: true, status: 'completed' });
      expect(report.counts).toMatchObject(countsOfSidecar(expected));
      const active = await db
        .selectFrom('customers')
        .select(['id', 'kind'])
        .where('status', '=', 'active')
        .execute();
      expect(active).toHaveLength(expected.imported);
      // No identity twice in the search index (a contact carries its company's USCC too), and every
      // customer searchable.
      const kindOf = new Map(active.map((c) => [c.id, c.kind]));
      const entries = await db.selectFrom('blind_index').select(['field', 'hash', 'customer_id']).execute();
      const identities = entries.filter(
        (e) => e.field === 'idNumber' || (e.field === 'uscc' && kindOf.get(e.customer_id) === 'company'),
      );
      expect(identities.length).toBeGreaterThan(100);
      const seen = new Map<string, string>();
      for (const e of identities) {
        const key = `${e.field}|${Buffer.from(e.hash).toString('hex')}`;
        expect(seen.get(key), `${e.field} held by two customers`).toBeUndefined();
        seen.set(key, e.customer_id);
      }
      expect(new Set(entries.map((e) => e.customer_id)).size).toBe(expected.imported);
    });
  });
}
