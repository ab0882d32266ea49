// `npm run emulator -- --port 8787 [--scenario <name|file>] [--rtt-ms 80] [--up-mbps 20] [--down-mbps 100]
//   [--tls] [--key sk-…] [--any-key] [--tokens-per-second 600] [--no-deflate] [--typical-cost] [--verbose]`
// Prints the base URL on the first line (tests read it), then the key, and serves until stopped.
import { startEmulator, TYPICAL_COST } from './index';
import type { EmulatorOptions } from './types';

function parseArgs(argv: string[]): EmulatorOptions {
  const options: EmulatorOptions = {};
  const link: NonNullable<EmulatorOptions['link']> = {};
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    switch (flag) {
      case '--port': options.port = Number(value(i++, flag)); break;
      case '--scenario': options.scenario = value(i++, flag); break;
      case '--key': options.apiKey = value(i++, flag); break;
      case '--rtt-ms': link.rttMs = Number(value(i++, flag)); break;
      case '--up-mbps': link.upMbps = Number(value(i++, flag)); break;
      case '--down-mbps': link.downMbps = Number(value(i++, flag)); break;
      case '--tokens-per-second': options.tokensPerSecond = Number(value(i++, flag)); break;
      case '--replay': options.replay = value(i++, flag); break;
      case '--tls': options.tls = true; break;
      case '--any-key': options.acceptAnyKey = true; break;
      case '--no-deflate': options.deflate = false; break;
      case '--typical-cost': options.cost = TYPICAL_COST; break;
      case '--verbose': options.verbose = true; break;
      case '--help':
        process.stdout.write('usage: npm run emulator -- [--port n] [--scenario name|file] [--rtt-ms n] [--up-mbps n] [--down-mbps n] [--tls] [--key k] [--any-key] [--tokens-per-second n] [--no-deflate] [--typical-cost] [--replay file.jsonl] [--verbose]\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${String(flag)} (try --help)`);
    }
  }
  if (Object.keys(link).length) options.link = link;
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const emulator = await startEmulator(options);
  process.stdout.write(`${emulator.url}\n`);
  process.stdout.write(`key: ${emulator.apiKey}\nwebsocket: ${emulator.wsUrl}\nadmin: ${emulator.url.replace(/\/v1$/, '')}/__admin/stats\n`);
  if (emulator.tlsCert) process.stdout.write('tls: self-signed certificate (set NODE_TLS_REJECT_UNAUTHORIZED=0 or trust it)\n');
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
