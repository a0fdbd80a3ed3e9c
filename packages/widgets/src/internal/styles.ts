/**
 * The widgets' stylesheet, one constant scoped under `.interp-widget` (no untrusted value ever
 * reaches CSS). Colours come in light/dark pairs through `light-dark()`, so they follow the host
 * page's `color-scheme` (light where it declares none; browsers without `light-dark()` keep the
 * light colour declared before it). Text passes WCAG AA on the page's background in both; focus
 * rings are always visible: blue with an inner ring of the page's colour, so they show on the
 * darkest and the lightest heatmap cell alike.
 */
export const WIDGET_CSS = `
.interp-widget{font:14px/1.4 system-ui,sans-serif;color:#1f2328;color:light-dark(#1f2328,#e6edf3);display:block;max-width:100%}
.interp-widget h2{font-size:1.1em;margin:0 0 .5em}
.interp-widget h3{font-size:1em;margin:.25em 0}
.interp-widget .iw-controls{display:flex;flex-wrap:wrap;gap:.75em;align-items:center;margin-bottom:.75em}
.interp-widget label{display:inline-flex;gap:.35em;align-items:center}
.interp-widget select,.interp-widget button{font:inherit;padding:.15em .4em}
.interp-widget .iw-body{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}
.interp-widget table.iw-cm{border-collapse:collapse;font-variant-numeric:tabular-nums}
.interp-widget table.iw-cm th{font-weight:600;padding:2px 6px;font-size:.85em;max-width:8em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.interp-widget table.iw-cm td{min-width:2.4em;height:2.1em;text-align:center;cursor:pointer;border:1px solid #fff;border-color:light-dark(#fff,#0d1117);padding:0 4px}
.interp-widget table.iw-cm td[aria-selected=true]{outline:3px solid #d4a72c;outline-offset:-3px}
.interp-widget [tabindex]:focus-visible,.interp-widget td:focus{outline:3px solid #0969da;outline-color:light-dark(#0969da,#4493f8);outline-offset:-2px;box-shadow:inset 0 0 0 5px #fff;box-shadow:inset 0 0 0 5px light-dark(#fff,#0d1117)}
.interp-widget .iw-status{min-height:1.4em;margin:.25em 0;color:#424a53;color:light-dark(#424a53,#9198a1)}
.interp-widget ul.iw-items{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(92px,1fr));gap:6px;max-height:420px;overflow:auto;min-width:220px}
.interp-widget ul.iw-items li{border:1px solid #d0d7de;border-color:light-dark(#d0d7de,#3d444d);border-radius:4px;padding:3px;cursor:pointer;font-size:.8em;text-align:center}
.interp-widget ul.iw-items li[aria-selected=true]{border-color:#0969da;border-color:light-dark(#0969da,#4493f8);background:#ddf4ff;background:light-dark(#ddf4ff,#0c2d6b)}
.interp-widget .iw-wrong{color:#a40e26;color:light-dark(#a40e26,#ff7b72)}
.interp-widget .iw-right{color:#116329;color:light-dark(#116329,#3fb950)}
.interp-widget img.iw-px{image-rendering:pixelated;display:block;margin:0 auto}
.interp-widget .iw-detail{min-width:220px}
.interp-widget .iw-panels{display:flex;gap:.75em;flex-wrap:wrap}
.interp-widget figure{margin:0}
.interp-widget figcaption{font-size:.85em;text-align:center}
.interp-widget .iw-stack{position:relative;display:block}
.interp-widget .iw-stack img{display:block}
.interp-widget .iw-stack img.iw-mask,.interp-widget .iw-stack img.iw-error-mask{position:absolute;left:0;top:0}
.interp-widget table.iw-iou{border-collapse:collapse;font-variant-numeric:tabular-nums}
.interp-widget table.iw-iou th,.interp-widget table.iw-iou td{padding:2px 8px;border-bottom:1px solid #d0d7de;border-bottom-color:light-dark(#d0d7de,#3d444d);text-align:right}
.interp-widget table.iw-iou th[scope=row]{text-align:left;font-weight:normal}
.interp-widget .iw-swatch{display:inline-block;width:.9em;height:.9em;margin-right:.4em;vertical-align:middle;border:1px solid #0003;border-color:light-dark(#0003,#fff6)}
.interp-widget .iw-error,.interp-widget .iw-blank{color:#a40e26;color:light-dark(#a40e26,#ff7b72)}
.interp-widget .iw-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;
