// Preloaded (node -r) by scripts/probes.ts into the CLI under test: on exit, writes the process's
// peak resident memory in KiB (worker threads included) to the file named by LOSS_LENS_PROBE_RSS.
/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload */
'use strict';
const fs = require('node:fs');
const out = process.env.LOSS_LENS_PROBE_RSS;
if (out) {
  process.on('exit', () => {
    try {
      fs.writeFileSync(out, String(process.resourceUsage().maxRSS));
    } catch {
      // nothing to report to
    }
  });
}
