;; Pixel confusion counting over channels-last scores, with WASM SIMD.
;;
;; Source of the bytes in confusion-kernel-wasm.ts. Regenerate with
;;   node packages/segmentation/scripts/build-wasm.mjs
;; (the test confusion-counts.test.ts fails when the two drift apart).
;;
;; Both functions take byte offsets into the imported memory (imported rather than exported: the
;; caller makes a new, larger memory and instance when it needs more room, because growing one
;; detaches its ArrayBuffer, and V8 answers the first detached buffer in a process by adding a
;; check to every typed-array access everywhere, which slowed a plain JS sum loop by 1.8x):
;;   scores  n x c floats, channels last (pixel i's channel k at scores + (i * c + k) * size)
;;   targs   n int32 target labels
;;   cm      c x c int32 counts, row = target, column = predicted; added to, never cleared
;; A pixel whose target equals `ignore` counts nowhere, when `hasIgnore` is 1 (a flag rather than
;; a sentinel value, because every int32 can be a label).
;; They return n when every pixel was counted, otherwise the index of the first pixel that could
;; not be: a NaN among its scores, or a target label outside 0..c-1 that is not ignored.
;; The caller rescans that pixel to say which.
;;
;; Per pixel: the maximum over vector-sized channel groups (the last group is loaded at c - lanes,
;; overlapping the previous one, so no lane reads past the pixel), spread to every lane; then each
;; group's lanes equal to it, as a bitmask. For c <= 64 the group masks are OR-ed, shifted to
;; their channel, into one i64 whose trailing zeros are the argmax: no data-dependent branch,
;; which matters because a branchy search mispredicts on every other pixel of real scores.
;; Wider c stops at the first group with a match. Both send ties to the lower channel.
;; f32x4.max/f64x2.max propagate NaN and NaN equals nothing, so a NaN pixel matches nowhere and
;; is reported.
(module
  (import "env" "memory" (memory 1))

  ;; float32 scores, c >= 4
  (func (export "confusionF32")
    (param $scores i32) (param $targs i32) (param $n i32) (param $c i32) (param $cm i32)
    (param $hasIgnore i32) (param $ignore i32)
    (result i32)
    (local $i i32) (local $p i32) (local $o i32) (local $last i32) (local $stride i32)
    (local $max v128) (local $wide i64) (local $mask i32) (local $pred i32) (local $label i32) (local $cell i32)
    (local.set $stride (i32.shl (local.get $c) (i32.const 2)))
    (local.set $last (i32.shl (i32.sub (local.get $c) (i32.const 4)) (i32.const 2)))
    (local.set $p (local.get $scores))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $pixel
        (local.set $max (v128.load (i32.add (local.get $p) (local.get $last))))
        (local.set $o (i32.const 0))
        (block $maxed
          (loop $group
            (br_if $maxed (i32.ge_u (local.get $o) (local.get $last)))
            (local.set $max
              (f32x4.max (local.get $max) (v128.load (i32.add (local.get $p) (local.get $o)))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $group)))
        (local.set $max
          (f32x4.max (local.get $max)
            (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $max) (local.get $max))))
        (local.set $max
          (f32x4.max (local.get $max)
            (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $max) (local.get $max))))
        (if (i32.le_u (local.get $c) (i32.const 64))
          (then
            ;; bits of the last group, then the others (overlapping bits agree: same channels)
            (local.set $wide
              (i64.shl
                (i64.extend_i32_u
                  (i32x4.bitmask
                    (f32x4.eq (v128.load (i32.add (local.get $p) (local.get $last))) (local.get $max))))
                (i64.extend_i32_u (i32.shr_u (local.get $last) (i32.const 2)))))
            (local.set $o (i32.const 0))
            (block $masked
              (loop $group
                (br_if $masked (i32.ge_u (local.get $o) (local.get $last)))
                (local.set $wide
                  (i64.or (local.get $wide)
                    (i64.shl
                      (i64.extend_i32_u
                        (i32x4.bitmask
                          (f32x4.eq (v128.load (i32.add (local.get $p) (local.get $o))) (local.get $max))))
                      (i64.extend_i32_u (i32.shr_u (local.get $o) (i32.const 2))))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $group)))
            (if (i64.eqz (local.get $wide)) (then (return (local.get $i))))
            (local.set $pred (i32.wrap_i64 (i64.ctz (local.get $wide)))))
          (else
            (local.set $o (i32.const 0))
            (block $found
              (loop $search
                (local.set $mask
                  (i32x4.bitmask
                    (f32x4.eq (v128.load (i32.add (local.get $p) (local.get $o))) (local.get $max))))
                (br_if $found (local.get $mask))
                (if (i32.ge_u (local.get $o) (local.get $last)) (then (return (local.get $i))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (if (i32.gt_u (local.get $o) (local.get $last)) (then (local.set $o (local.get $last))))
                (br $search)))
            (local.set $pred
              (i32.add (i32.shr_u (local.get $o) (i32.const 2)) (i32.ctz (local.get $mask))))))
        (local.set $label (i32.load (i32.add (local.get $targs) (i32.shl (local.get $i) (i32.const 2)))))
        (if (i32.eqz (i32.and (local.get $hasIgnore) (i32.eq (local.get $label) (local.get $ignore))))
          (then
            (if (i32.ge_u (local.get $label) (local.get $c)) (then (return (local.get $i))))
            (local.set $cell
              (i32.add (local.get $cm)
                (i32.shl (i32.add (i32.mul (local.get $label) (local.get $c)) (local.get $pred))
                  (i32.const 2))))
            (i32.store (local.get $cell) (i32.add (i32.load (local.get $cell)) (i32.const 1)))))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $pixel (i32.lt_u (local.get $i) (local.get $n)))))
    (local.get $n))

  ;; float64 scores, c >= 2
  (func (export "confusionF64")
    (param $scores i32) (param $targs i32) (param $n i32) (param $c i32) (param $cm i32)
    (param $hasIgnore i32) (param $ignore i32)
    (result i32)
    (local $i i32) (local $p i32) (local $o i32) (local $last i32) (local $stride i32)
    (local $max v128) (local $wide i64) (local $mask i32) (local $pred i32) (local $label i32) (local $cell i32)
    (local.set $stride (i32.shl (local.get $c) (i32.const 3)))
    (local.set $last (i32.shl (i32.sub (local.get $c) (i32.const 2)) (i32.const 3)))
    (local.set $p (local.get $scores))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $pixel
        (local.set $max (v128.load (i32.add (local.get $p) (local.get $last))))
        (local.set $o (i32.const 0))
        (block $maxed
          (loop $group
            (br_if $maxed (i32.ge_u (local.get $o) (local.get $last)))
            (local.set $max
              (f64x2.max (local.get $max) (v128.load (i32.add (local.get $p) (local.get $o)))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $group)))
        (local.set $max
          (f64x2.max (local.get $max)
            (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $max) (local.get $max))))
        (if (i32.le_u (local.get $c) (i32.const 64))
          (then
            ;; bits of the last group, then the others (overlapping bits agree: same channels)
            (local.set $wide
              (i64.shl
                (i64.extend_i32_u
                  (i64x2.bitmask
                    (f64x2.eq (v128.load (i32.add (local.get $p) (local.get $last))) (local.get $max))))
                (i64.extend_i32_u (i32.shr_u (local.get $last) (i32.const 3)))))
            (local.set $o (i32.const 0))
            (block $masked
              (loop $group
                (br_if $masked (i32.ge_u (local.get $o) (local.get $last)))
                (local.set $wide
                  (i64.or (local.get $wide)
                    (i64.shl
                      (i64.extend_i32_u
                        (i64x2.bitmask
                          (f64x2.eq (v128.load (i32.add (local.get $p) (local.get $o))) (local.get $max))))
                      (i64.extend_i32_u (i32.shr_u (local.get $o) (i32.const 3))))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $group)))
            (if (i64.eqz (local.get $wide)) (then (return (local.get $i))))
            (local.set $pred (i32.wrap_i64 (i64.ctz (local.get $wide)))))
          (else
            (local.set $o (i32.const 0))
            (block $found
              (loop $search
                (local.set $mask
                  (i64x2.bitmask
                    (f64x2.eq (v128.load (i32.add (local.get $p) (local.get $o))) (local.get $max))))
                (br_if $found (local.get $mask))
                (if (i32.ge_u (local.get $o) (local.get $last)) (then (return (local.get $i))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (if (i32.gt_u (local.get $o) (local.get $last)) (then (local.set $o (local.get $last))))
                (br $search)))
            (local.set $pred
              (i32.add (i32.shr_u (local.get $o) (i32.const 3)) (i32.ctz (local.get $mask))))))
        (local.set $label (i32.load (i32.add (local.get $targs) (i32.shl (local.get $i) (i32.const 2)))))
        (if (i32.eqz (i32.and (local.get $hasIgnore) (i32.eq (local.get $label) (local.get $ignore))))
          (then
            (if (i32.ge_u (local.get $label) (local.get $c)) (then (return (local.get $i))))
            (local.set $cell
              (i32.add (local.get $cm)
                (i32.shl (i32.add (i32.mul (local.get $label) (local.get $c)) (local.get $pred))
                  (i32.const 2))))
            (i32.store (local.get $cell) (i32.add (i32.load (local.get $cell)) (i32.const 1)))))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $pixel (i32.lt_u (local.get $i) (local.get $n)))))
    (local.get $n))
)
