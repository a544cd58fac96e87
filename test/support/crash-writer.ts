// Child process for the crash test: creates customers in a loop until it is killed.
import { openApp, systemActor } from '../../src/app.js';

const [dataDir, dbUrl] = process.argv.slice(2);
const app = await openApp({ dataDir: dataDir as string, dbUrl: dbUrl || undefined });
const actor = systemActor(app.kernel, 'crash');
let n = 0;
for (;;) {
  const batch = Array.from({ length: 50 }, () => {
    n += 1;
    return {
      kind: 'individual' as const,
      purposes: ['sales'],
      fields: { name: `崩溃${n}`, mobile: `135${String(n).padStart(8, '0')}` },
    };
  });
  await app.customers.createMany(actor, batch);
  process.stdout.write(`${n}\n`);
}
