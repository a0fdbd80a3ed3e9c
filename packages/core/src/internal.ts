// Not public API: argument checks shared by the interp packages, so every package words its
// errors the same way. Exported as `@interp/core/internal`; may change in any release.

export {
  assertInteger,
  assertLabels,
  assertNumber,
  assertSameLength,
  describe,
  keyword,
} from './validate.js';
