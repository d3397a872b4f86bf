/** The version of @bosun/control-plane, kept equal to its package.json by a test. */
export const CONTROL_PLANE_VERSION = '0.1.0';
