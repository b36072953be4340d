// Loaded with `node --require` before Azurite: when the process that started Azurite is gone (a test run killed,
// the app crashed), its parent pid changes and Azurite exits instead of living on as an orphan holding ports.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) {
    process.exit(0);
  }
}, 1000).unref();
