/** The API server's Prometheus metrics: requests by verb, resource and code, latencies, watches, store latency. */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The metrics of one API server. */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'apiserver_request_total',
    help: 'Requests by verb, resource and HTTP code.',
    labelNames: ['verb', 'resource', 'subresource', 'code'],
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Request latency by verb and resource (watches excluded).',
    labelNames: ['verb', 'resource'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly watches = new Gauge({
    name: 'apiserver_longrunning_requests',
    help: 'Open watches by resource.',
    labelNames: ['resource'],
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'apiserver_current_inflight_requests',
    help: 'Requests being served, by kind (readOnly or mutating).',
    labelNames: ['request_kind'],
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'apiserver_dropped_requests_total',
    help: 'Requests answered 429 because too many were in flight.',
    labelNames: ['request_kind'],
    registers: [this.registry],
  });
  readonly storeLatency = new Histogram({
    name: 'apiserver_storage_request_duration_seconds',
    help: 'Store request latency by operation.',
    labelNames: ['operation'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
}
