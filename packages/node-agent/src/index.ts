/**
 * @bosun/node-agent — the kubelet and the service proxy.
 *
 * Every public name is listed here; nothing else in `src/` is part of the API.
 */
export { NODE_AGENT_VERSION } from './version.js';
