/**
 * Linearizability checking of key-value histories: record what clients saw with a
 * {@link HistoryRecorder}, then ask {@link checkLinearizable} whether a register per key
 * explains it.
 */
export { checkLinearizable, DEFAULT_MAX_STEPS } from './checker.js';
export { formatHistoryOp, parseHistory } from './history-text.js';
export { HistoryRecorder } from './recorder.js';
export type { CheckOptions, CheckResult, HistoryOp, KvInput, KvOutput } from './types.js';
