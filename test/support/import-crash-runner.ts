// Child process for the import crash test: imports a file in small chunks, printing its progress,
// until it is killed.
import { openApp, systemActor } from '../../src/app.js';

const [dataDir, dbUrl, file] = process.argv.slice(2);
const app = await openApp({ dataDir: dataDir as string, dbUrl: dbUrl || undefined });
const actor = systemActor(app.kernel, 'crash');
await app.ingest.run(actor, file as string, {
  purposes: ['sales'],
  chunkSize: 50,
  onProgress: async (p) => {
    process.stdout.write(`${p.rows}\n`);
    // Slow enough for the parent to kill it part-way on any machine.
    await new Promise((r) => setTimeout(r, 20));
  },
});
process.stdout.write('done\n');
