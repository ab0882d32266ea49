// Builds Holdfast's bundles. Usage: node esbuild.js [--production] [--watch] [--tests]
//   extension: src/extension.ts → dist/extension.js, the tiny activation bundle, and
//              src/app/main.ts → dist/main.js, the rest, which it requires right after activating
//              (node, cjs, `vscode` external; esbuild cannot split cjs, hence two entry points)
//   webview:   media/chat/main.ts → dist/webview/chat.js + chat.css (browser, iife), and the chunks it
//              loads on demand: hljs.js (highlight.js core) and hljs-<language>.js per language
//   --tests:   integration suites → out/test/integration/** (node, cjs; `vscode` and `mocha` external)
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** Prints errors the way VS Code's problem matcher for esbuild expects, and a line per finished build. */
const reportProblems = (name) => ({
  name: 'report-problems',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (result.errors.length === 0) console.log(`[esbuild] ${name} built`);
    });
  },
});

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  legalComments: production ? 'none' : 'inline',
};

/** Every language of media/chat/highlightLanguages.json becomes a chunk that registers itself with the core. */
const highlightLanguages = Object.keys(require('./media/chat/highlightLanguages.json'));
const HIGHLIGHT_LANGUAGE = 'holdfast-highlight-language:';

const highlightLanguageChunks = {
  name: 'highlight-language-chunks',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^${HIGHLIGHT_LANGUAGE}`) }, (args) => ({ path: args.path.slice(HIGHLIGHT_LANGUAGE.length), namespace: 'highlight-language' }));
    build.onLoad({ filter: /.*/, namespace: 'highlight-language' }, (args) => ({
      contents: `import definition from 'highlight.js/lib/languages/${args.path}';\nwindow.holdfastHighlighter.registerLanguage(${JSON.stringify(args.path)}, definition);\n`,
      resolveDir: __dirname,
      loader: 'js',
    }));
  },
};

/** The webview must not bundle zod: it checks host messages with src/protocol/webviewValidate.ts. */
const noZodInWebview = {
  name: 'no-zod-in-webview',
  setup(build) {
    build.onEnd((result) => {
      const inputs = Object.keys(result.metafile?.inputs ?? {});
      if (inputs.some((input) => input.includes('node_modules/zod/'))) {
        result.errors.push({ text: 'the webview bundle includes zod: media/ must import src/protocol/webview for types only' });
      }
    });
  },
};

function listFiles(dir, suffix) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full, suffix);
    return entry.name.endsWith(suffix) ? [full] : [];
  });
}

function configs() {
  if (tests) {
    const entryPoints = [
      'test/integration/index.ts',
      ...listFiles('test/integration/suite', '.test.ts'),
    ].filter((file) => fs.existsSync(file));
    return [
      {
        ...common,
        name: 'integration tests',
        entryPoints,
        outbase: 'test/integration',
        outdir: 'out/test/integration',
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        sourcemap: true,
        external: ['vscode', 'mocha'],
      },
    ];
  }
  return [
    {
      ...common,
      name: 'extension',
      // mcp: the MCP SDK connector, required from main the first time an MCP server starts.
      entryPoints: { extension: 'src/extension.ts', main: 'src/app/main.ts', mcp: 'src/host/mcp/sdkConnector.ts' },
      outdir: 'dist',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // ws loads these native speed-ups only if present; the bundle must not try to include them.
      // './main.js' is the second bundle, required at run time from the first; './mcp.js' the third.
      external: ['vscode', 'bufferutil', 'utf-8-validate', './main.js', './mcp.js'],
    },
    {
      ...common,
      name: 'webview',
      entryPoints: {
        chat: 'media/chat/main.ts',
        hljs: 'media/chat/highlightCore.ts',
        ...Object.fromEntries(highlightLanguages.map((language) => [`hljs-${language}`, `${HIGHLIGHT_LANGUAGE}${language}`])),
      },
      outdir: 'dist/webview',
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
      assetNames: '[name]',
      // markdown-it's entity table (23 KB) is replaced by the browser's own decoding, uc.micro's
      // code-point ranges (5 KB) by Unicode property escapes, linkify-it (11 KB) by the part of it
      // markdown-it uses (schema links, with linkify-it's own expressions), and punycode.js by its two
      // functions markdown-it calls. Each stand-in has a unit test against the package it replaces.
      alias: {
        entities: './media/chat/htmlEntities.ts',
        'uc.micro': './media/chat/unicodeClasses.ts',
        'linkify-it': './media/chat/linkify.ts',
        'punycode.js': './media/chat/punycode.ts',
      },
      metafile: true,
      plugins: [highlightLanguageChunks, noZodInWebview],
    },
  ];
}

async function main() {
  // A release build starts from an empty dist/ so no stale file (a dev source map) gets packaged.
  if (production && !tests) fs.rmSync('dist', { recursive: true, force: true });
  const contexts = await Promise.all(
    configs().map(({ name, plugins = [], ...options }) => esbuild.context({ ...options, plugins: [...plugins, reportProblems(name)] })),
  );
  if (watch) {
    await Promise.all(contexts.map((context) => context.watch()));
    return;
  }
  try {
    const results = await Promise.allSettled(contexts.map((context) => context.rebuild()));
    const failed = results.filter((result) => result.status === 'rejected');
    if (failed.length > 0) process.exitCode = 1;
  } finally {
    await Promise.all(contexts.map((context) => context.dispose()));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
