/** The version of @bosun/sdk, kept equal to its package.json by a test. */
export const SDK_VERSION = '0.1.0';
