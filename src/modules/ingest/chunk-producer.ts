import type { SealingKeys } from '../../kernel/crypto/key-ring.js';
import { uuidv7 } from '../../kernel/ids/uuid.js';
import { catalogValues, encodeCustomer } from '../customers/customer-codec.js';
import type { FieldDef } from '../customers/customer-types.js';
import { chunkLookupKeys } from './chunk-resolver.js';
import { ColumnStats } from './column-stats.js';
import { chunkIndexer, type IndexMemo } from './dedupe-keys.js';
import type { SheetSample } from './file-scan.js';
import { looksLikeHeaderRow } from './header-mapping.js';
import {
  chunked,
  type ParsedChunk,
  type PlanFor,
  parseChunk,
  planner,
  type StoredOptions,
} from './import-pipeline.js';
import { type OpenTableOptions, openTable } from './readers/index.js';
import type { PreSealed } from './vault-writer.js';

/** Column statistics as the batch report stores them (and a resumed batch restores them). */
export type StatsSnapshot = NonNullable<ConstructorParameters<typeof ColumnStats>[0]>;

/** Everything the row-local half of an import needs: plain data, so it can cross to a worker thread. */
export interface ProducerInput {
  path: string;
  reader: OpenTableOptions;
  opts: Pick<StoredOptions, 'mapping' | 'createFields' | 'lenient' | 'kind'>;
  catalog: ReadonlyMap<string, FieldDef>;
  samples: ReadonlyMap<string, SheetSample>;
  /** Rows up to this sequence number were committed by an earlier run. */
  skip: number;
  chunkSize: number;
  stats: StatsSnapshot | null;
  /**
   * Whether valid rows keep their original cells on their way to the writer: only a user limited to
   * its own or its team's customers needs them (a duplicate of someone else's customer is quarantined
   * as the row it was); otherwise a worker does not send them.
   */
  keepValidCells: boolean;
}

/** One chunk, parsed and sealed ahead; the store-facing half resolves and writes it. */
export interface ProducedChunk {
  /** Valid rows carry `sealed`: the new customer each would become. */
  parsed: ParsedChunk;
  lastSeq: number;
  /** Column statistics up to and including this chunk. */
  stats: StatsSnapshot;
  bytesDone: number;
  bytesTotal: number;
  /** Blind indexes already computed for this chunk's values (see chunkIndexer). */
  memo: IndexMemo;
}

/** Seals a valid row's values as a new customer would hold them, under a fresh id and key. */
function preSeal(
  keys: SealingKeys,
  catalog: ReadonlyMap<string, FieldDef>,
  values: Parameters<typeof catalogValues>[1],
  blindIndex: (field: string, value: string) => Buffer,
): PreSealed {
  const id = uuidv7();
  const dek = keys.newCustomerKey();
  return { id, dek, enc: encodeCustomer(keys, id, catalogValues(catalog, values), dek, blindIndex) };
}

/**
 * The row-local half of an import: reads the file, plans each sheet, parses and validates the rows,
 * hashes their identity keys and seals every valid row as the new customer it would become. It
 * depends on nothing in the store, so it runs ahead of the writer (on a worker thread for large files);
 * rows that turn out to be duplicates simply drop their sealed copy.
 */
export async function* produceChunks(
  input: ProducerInput,
  keys: SealingKeys,
  /** The share of valid rows to leave unsealed (the writer seals them); read once per chunk. */
  unsealedShare: () => number = () => 0,
): AsyncGenerator<ProducedChunk> {
  // The header test is made here, not passed in: the input crosses to a worker as plain data.
  const source = await openTable(input.path, {
    ...input.reader,
    isHeader: (cells) => looksLikeHeaderRow(cells, input.opts.mapping),
  });
  const planFor = planner(input.opts, () => input.catalog, input.samples);
  const stats = new ColumnStats(input.stats ?? undefined);
  const plans: PlanFor = (sheet, headers, headerRow, headerRows) => {
    const plan = planFor(sheet, headers, headerRow, headerRows);
    stats.plan(plan);
    return plan;
  };
  for await (const chunk of chunked(source.rows(), input.skip, input.chunkSize, plans)) {
    const parsed = parseChunk(chunk.items, input.opts, stats);
    const indexer = chunkIndexer(keys);
    chunkLookupKeys(
      indexer,
      parsed.valid.map((v) => v.row),
    );
    const share = unsealedShare();
    let owed = 0;
    for (const v of parsed.valid) {
      owed += share;
      if (owed >= 1) {
        owed -= 1;
        continue;
      }
      v.sealed = preSeal(keys, input.catalog, v.row.values, indexer.blindIndex);
    }
    yield {
      parsed,
      lastSeq: chunk.lastSeq,
      stats: { columns: stats.columns(), sheets: stats.sheets() },
      bytesDone: source.meter?.done ?? 0,
      bytesTotal: source.meter?.total ?? 0,
      memo: indexer.memo,
    };
  }
}
