import { describe, expect, it } from 'vitest';
import { mergeMcpConfigs, parseMcpJson, parseMcpServers, substitute } from '../../../../src/tools/mcp/mcpConfig';

const vars = { workspaceFolder: '/ws', userHome: '/home/u', env: { TOKEN: 't0k', HOME: '/home/u' } };

describe('MCP server definitions (.vscode/mcp.json and holdfast.mcp.servers)', () => {
  it('reads stdio and http servers in VS Code\'s schema, with comments and trailing commas', () => {
    const text = `{
      // VS Code allows comments here
      "servers": {
        "everything": { "type": "stdio", "command": "npx", "args": ["-y", "\${workspaceFolder}/x"], "env": { "A": "\${env:TOKEN}", "N": 3 }, },
        "remote": { "type": "http", "url": "https://mcp.example.invalid/mcp", "headers": { "Authorization": "Bearer \${env:TOKEN}" } },
        "legacy": { "type": "sse", "url": "http://127.0.0.1:9/sse" },
        "untyped": { "command": "node" },
      },
      "inputs": []
    }`;
    const config = parseMcpJson(text, 'workspace', vars);
    expect(config.problems).toEqual([]);
    expect(config.servers).toEqual([
      { name: 'everything', source: 'workspace', type: 'stdio', command: 'npx', args: ['-y', '/ws/x'], env: { A: 't0k', N: '3' }, cwd: undefined },
      { name: 'remote', source: 'workspace', type: 'http', url: 'https://mcp.example.invalid/mcp', headers: { Authorization: 'Bearer t0k' } },
      { name: 'legacy', source: 'workspace', type: 'sse', url: 'http://127.0.0.1:9/sse', headers: {} },
      { name: 'untyped', source: 'workspace', type: 'stdio', command: 'node', args: [], env: {}, cwd: undefined },
    ]);
  });

  it('leaves out each broken server with a problem naming it and why, and keeps the good ones', () => {
    const config = parseMcpServers(
      {
        servers: {
          good: { command: 'node' },
          noCommand: { type: 'stdio', args: [] },
          badType: { type: 'websocket', url: 'ws://x' },
          badUrl: { type: 'http', url: 'not a url' },
          ftp: { type: 'http', url: 'ftp://host/x' },
          extra: { command: 'node', alwaysAllow: ['rm'] },
          prompt: { command: 'node', args: ['${input:token}'] },
          'bad name!': { command: 'node' },
          notObject: 'node server.js',
          argsNotArray: { command: 'node', args: 'x' },
        },
      },
      'workspace',
      vars,
      '.vscode/mcp.json',
    );
    expect(config.servers.map((s) => s.name)).toEqual(['good']);
    const problems = config.problems.join('\n');
    expect(problems).toMatch(/"noCommand" is left out: "command": /);
    expect(problems).toMatch(/"badType" is left out: unknown type "websocket"/);
    expect(problems).toMatch(/"badUrl" is left out: "url": needs an http\(s\) url/);
    expect(problems).toMatch(/"ftp" is left out: its url must start with http:\/\/ or https:\/\//);
    // An approval field (as other agents' files have) is not silently taken: the server is refused.
    expect(problems).toMatch(/"extra" is left out: unknown field\(s\) "alwaysAllow"/);
    expect(problems).toMatch(/"prompt" is left out: the variable \$\{input:token\} is not supported/);
    expect(problems).toMatch(/"bad name!" is left out: its name must be/);
    expect(problems).toMatch(/"notObject" is left out: a server must be an object/);
    expect(problems).toMatch(/"argsNotArray" is left out: "args": /);
    expect(config.problems).toHaveLength(9);
  });

  it('says so when the file is not JSON or has no servers object, instead of throwing', () => {
    expect(parseMcpJson('{ "servers": ', 'workspace', vars).problems[0]).toMatch(/^\.vscode\/mcp\.json: not valid JSON \(/);
    expect(parseMcpJson('[]', 'workspace', vars).problems[0]).toMatch(/expected an object with "servers"/);
    expect(parseMcpJson('{"servers": []}', 'workspace', vars).problems[0]).toMatch(/"servers" must be an object/);
    expect(parseMcpJson('{}', 'workspace', vars)).toEqual({ servers: [], problems: [] });
    expect(parseMcpServers(undefined, 'user', vars, 'setting')).toEqual({ servers: [], problems: [] });
  });

  it('substitutes only the variables it knows', () => {
    expect(substitute('${userHome}/a:${workspaceFolder}:${env:MISSING}.', vars)).toBe('/home/u/a:/ws:.');
    expect(() => substitute('${command:x}', vars)).toThrow(/not supported/);
    expect(() => substitute('Bearer ${env:OPENAI_API_KEY}', { ...vars, env: { OPENAI_API_KEY: 'sk-x' } })).toThrow(/never passed to a server/);
  });

  it('keeps the user\'s server when the workspace defines one of the same name', () => {
    const user = parseMcpServers({ servers: { git: { command: 'mine' } } }, 'user', vars, 'setting');
    const workspace = parseMcpServers({ servers: { git: { command: 'theirs' }, other: { command: 'x' } } }, 'workspace', vars, 'file');
    const merged = mergeMcpConfigs(user, workspace);
    expect(merged.servers.map((s) => [s.name, s.source, s.type === 'stdio' ? s.command : ''])).toEqual([
      ['git', 'user', 'mine'],
      ['other', 'workspace', 'x'],
    ]);
    expect(merged.problems).toEqual([`The workspace's server "git" is left out: your user settings define a server of the same name.`]);
  });
});
