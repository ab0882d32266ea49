import type { McpConnector } from '../../tools/mcp/mcpPorts';
import type * as Sdk from './sdkConnector';

/**
 * The SDK connector from its own bundle (dist/mcp.js, next to dist/main.js; esbuild.js marks it
 * external), required the first time a server starts: windows without MCP servers never load it.
 */
export function loadSdkConnector(options: Sdk.SdkConnectorOptions): McpConnector {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('./mcp.js') as typeof Sdk;
  return new sdk.SdkConnector(options);
}
