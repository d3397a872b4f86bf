/** The version of @bosun/node-agent, kept equal to its package.json by a test. */
export const NODE_AGENT_VERSION = '0.1.0';
