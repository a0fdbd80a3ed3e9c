// `interp attribute --json`'s text for ResNet-18-sized attributions (2 x 3 x 224 x 224): the
// current nested()/float32Row path against the path it replaced (nested arrays of
// Number(v.toPrecision(9)) through jsonText value by value), interleaved in one process, median
// of 7; the texts must be identical.
import { readFileSync } from 'node:fs';
import { nested } from '../apps/cli/dist/commands/attribute-json.js';
import { jsonText } from '../apps/cli/dist/format/json-text.js';
import { report, timeInterleaved, writeResults } from './lib.mjs';

const shape = [2, 3, 224, 224];
const size = shape.reduce((a, b) => a * b, 1);
// Gradient-like values over several decades, with exact zeros (ReLU) and a sign mix.
const data = Float32Array.from({ length: size }, (_, i) =>
  i % 11 === 0 ? 0 : Math.sin(i * 0.37) * 10 ** (-2 - (i % 5)),
);

function valueByValue() {
  const build = (offset, axis) => {
    const n = shape[axis];
    if (axis === shape.length - 1)
      return Array.from(data.subarray(offset, offset + n), (v) => Number(v.toPrecision(9)));
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: n }, (_, i) => build(offset + i * stride, axis + 1));
  };
  return jsonText(new Map([['attributions', build(0, 0)]]));
}
const current = () => jsonText(new Map([['attributions', nested(data, shape)]]));

const same = valueByValue() === current();
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const l0 = load();
const [ours, base] = await timeInterleaved([current, valueByValue], { runs: 7, warmup: 1 });
const rec = report(`--json text of ${shape.join('x')} attributions`, ours, base, {
  baselineLabel: 'value by value',
});
console.log(`identical text: ${same}; load ${l0} -> ${load()}`);
writeResults('cli-json', [{ ...rec, same }]);
