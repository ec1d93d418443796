/**
 * Arrow tables (DataFrame partitions) on the wire and in spill files: as one
 * Arrow IPC stream buffer, passed out of band by the runtime.
 */
import * as arrow from 'apache-arrow';
import { registerSerializer } from '../actors/serialize.js';

registerSerializer<arrow.Table>({
  name: 'arrow.table',
  test: (v): v is arrow.Table => v instanceof arrow.Table,
  encode: (t) => ({ header: null, buffers: [arrow.tableToIPC(t, 'stream')] }),
  decode: (_header, [bytes]) => arrow.tableFromIPC(bytes as Uint8Array),
  sizeOf: (t) => t.data.reduce((a, d) => a + dataBytes(d), 0),
});

function dataBytes(d: arrow.Data): number {
  let n = (d.values?.byteLength ?? 0) + (d.nullBitmap?.byteLength ?? 0) + (d.valueOffsets?.byteLength ?? 0);
  for (const c of d.children) n += dataBytes(c);
  if (d.dictionary) n += d.dictionary.data.reduce((a, x) => a + dataBytes(x), 0);
  return n;
}
