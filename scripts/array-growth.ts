/**
 * What one doubling of the arrays a reader restores costs on this machine, in a fresh process per
 * size (fresh pages, as after a load): bm25's lengths and titleLengths (Uint32), alive (Uint8), the
 * reader's labelOf and ordOfLabel (Int32), each copied into an array twice its size, as
 * `ensureLength` did on the first insert after a load when they were restored at exact size.
 *
 *   npx tsx scripts/array-growth.ts [--sizes 100000,1000000] [--rounds 5]
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '100000,1000000' }, rounds: { type: 'string', default: '5' }, child: { type: 'string' } } });

if (values.child) {
  const n = Number(values.child);
  const arrays = [new Uint32Array(n).fill(7), new Uint32Array(n).fill(3), new Uint8Array(n).fill(1), new Int32Array(n).fill(5), new Int32Array(n).fill(9)];
  const each = arrays.map((a) => {
    const t = performance.now();
    const grown = new (a.constructor as Uint32ArrayConstructor)(a.length * 2);
    grown.set(a);
    return performance.now() - t;
  });
  process.stdout.write(`${JSON.stringify(each)}\n`);
  process.exit(0);
}

const names = ['lengths', 'titleLengths', 'alive', 'labelOf', 'ordOfLabel'];
for (const n of values.sizes.split(',').map(Number)) {
  const runs: number[][] = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', String(n)], { encoding: 'utf8' });
    runs.push(JSON.parse(child.stdout.trim()) as number[]);
  }
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
  console.log(`${n} passages: total ${range(runs.map((r) => r.reduce((a, b) => a + b, 0)))} ms; ${names.map((name, i) => `${name} ${range(runs.map((r) => r[i]!))}`).join(', ')}`);
}
