// Lets a newcomer run `npm start` or `npm test` straight after cloning: installs the root packages
// (npm ci) when they are missing, and with --e2e also the offline VS Code and Chromium
// (npm run setup:e2e, a no-op when they are already installed). Plain CommonJS: it runs before
// anything from node_modules is available.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const run = (args) => {
  const result = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

if (!fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  console.log('[holdfast] installing packages (npm ci)…');
  run(['ci']);
}
if (process.argv.includes('--e2e')) run(['run', '--silent', 'setup:e2e']);
