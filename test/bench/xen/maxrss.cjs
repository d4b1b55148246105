// Preloaded into the `xsr check` the bench runs: reports the process's peak
// resident memory on stderr when it exits (the bench reads it back).
'use strict';
process.on('exit', () => {
  process.stderr.write(`\nXSR_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
