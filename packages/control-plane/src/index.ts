/**
 * @bosun/control-plane — API server, scheduler, controllers and leader election.
 *
 * Every public name is listed here; nothing else in `src/` is part of the API.
 */
export { CONTROL_PLANE_VERSION } from './version.js';
