/**
 * kubectl-style `describe` text: `Key:  value` lines aligned per section, maps as `k=v` lines,
 * kind-specific sections for Pods, Deployments, Services and Nodes, a generic rendering for the
 * rest, and the related events table.
 */
import { formatLabels } from './table.js';
import type { AnyObject } from './output.js';

/** An Event as describe prints it. */
export interface EventLike {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  source?: { component?: string };
  reportingComponent?: string;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  metadata?: { creationTimestamp?: string };
}

/** kubectl's short human duration (`5s`, `3m`, `2h`, `4d`, `2y`), as describe's event ages use. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  return d < 730 ? `${d}d` : `${Math.floor(d / 365)}y`;
}

type Field = [string, string];

function pad(fields: readonly Field[], indent = ''): string {
  const width = Math.max(0, ...fields.map(([k]) => k.length + 1));
  return fields.map(([k, v]) => `${indent}${`${k}:`.padEnd(width + 2)}${v}`.trimEnd() + '\n').join('');
}

function mapLines(map: Record<string, string> | undefined, width: number): string {
  const keys = Object.keys(map ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k, i) => `${i === 0 ? '' : ' '.repeat(width)}${k}=${map?.[k] ?? ''}`).join('\n');
}

function dig(obj: unknown, ...path: string[]): unknown {
  let v = obj;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function str(v: unknown, none = '<none>'): string {
  if (v === undefined || v === null || v === '') return none;
  return typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean);
}

interface Container {
  name?: string;
  image?: string;
  ports?: { containerPort?: number; protocol?: string }[];
  command?: string[];
  args?: string[];
  env?: { name?: string; value?: string }[];
}

function containersText(containers: readonly Container[], indent: string): string {
  let out = '';
  for (const c of containers) {
    out += `${indent}${c.name ?? ''}:\n`;
    const fields: Field[] = [['Image', str(c.image)]];
    const ports = (c.ports ?? []).map((p) => `${p.containerPort ?? ''}/${p.protocol ?? 'TCP'}`).join(', ');
    fields.push(['Port', ports === '' ? '<none>' : ports]);
    if (c.command !== undefined) fields.push(['Command', c.command.join(' ')]);
    if (c.args !== undefined) fields.push(['Args', c.args.join(' ')]);
    fields.push([
      'Environment',
      (c.env ?? []).length === 0 ? '<none>' : (c.env ?? []).map((e) => `${e.name ?? ''}=${e.value ?? ''}`).join(', '),
    ]);
    out += pad(fields, `${indent}  `);
  }
  return out;
}

function header(obj: AnyObject, namespaced: boolean): Field[] {
  const meta = obj.metadata ?? {};
  const fields: Field[] = [['Name', str(meta.name, '')]];
  if (namespaced) fields.push(['Namespace', str(meta.namespace, '')]);
  return fields;
}

function metaBlock(obj: AnyObject, fields: Field[]): string {
  const meta = obj.metadata ?? {};
  const all: Field[] = [...fields, ['Labels', ''], ['Annotations', '']];
  const width = Math.max(...all.map(([k]) => k.length + 1)) + 2;
  const labels = mapLines(meta.labels as Record<string, string> | undefined, width);
  const annotations = mapLines(meta.annotations as Record<string, string> | undefined, width);
  return pad([...fields, ['Labels', labels], ['Annotations', annotations]]);
}

/** The describe text of an object (without events). */
export function describeObject(obj: AnyObject, namespaced: boolean): string {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const status = (obj.status ?? {}) as Record<string, unknown>;
  const base = header(obj, namespaced);
  switch (obj.kind) {
    case 'Pod': {
      let out = metaBlock(obj, [...base, ['Priority', str(spec.priority, '0')], ['Node', str(spec.nodeName)]]);
      out += pad([
        ['Status', str(status.phase, 'Unknown')],
        ['IP', str(status.podIP, '')],
      ]);
      out += 'Containers:\n' + containersText((spec.containers ?? []) as Container[], '  ');
      const conditions = (status.conditions ?? []) as { type?: string; status?: string }[];
      if (conditions.length > 0)
        out +=
          'Conditions:\n' +
          pad(
            conditions.map((c) => [c.type ?? '', c.status ?? '']),
            '  ',
          );
      return out;
    }
    case 'Deployment': {
      const replicasLine = `${str(spec.replicas, '1')} desired | ${str(status.updatedReplicas, '0')} updated | ${str(status.replicas, '0')} total | ${str(status.availableReplicas, '0')} available | ${str(status.unavailableReplicas, '0')} unavailable`;
      let out = metaBlock(obj, [...base, ['CreationTimestamp', str(obj.metadata?.creationTimestamp)]]);
      out += pad([
        [
          'Selector',
          formatLabels(dig(spec, 'selector', 'matchLabels') as Record<string, string> | undefined).replace(
            '<none>',
            '',
          ),
        ],
        ['Replicas', replicasLine],
        ['StrategyType', str(dig(spec, 'strategy', 'type'), 'RollingUpdate')],
        ['MinReadySeconds', str(spec.minReadySeconds, '0')],
      ]);
      out += 'Pod Template:\n';
      out += pad(
        [['Labels', formatLabels(dig(spec, 'template', 'metadata', 'labels') as Record<string, string> | undefined)]],
        '  ',
      );
      out +=
        '  Containers:\n' + containersText((dig(spec, 'template', 'spec', 'containers') ?? []) as Container[], '   ');
      const conditions = (status.conditions ?? []) as { type?: string; status?: string; reason?: string }[];
      if (conditions.length > 0) {
        out +=
          'Conditions:\n' +
          pad([['Type', 'Status  Reason']], '  ') +
          conditions.map((c) => `  ${c.type ?? ''}  ${c.status ?? ''}  ${c.reason ?? ''}\n`).join('');
      }
      return out;
    }
    case 'Service': {
      const ports = (spec.ports ?? []) as {
        name?: string;
        port?: number;
        protocol?: string;
        targetPort?: unknown;
        nodePort?: number;
      }[];
      const fields: Field[] = [
        ['Selector', formatLabels(spec.selector as Record<string, string> | undefined).replace('<none>', '')],
        ['Type', str(spec.type, 'ClusterIP')],
        ['IP', str(spec.clusterIP)],
      ];
      for (const p of ports) {
        fields.push(['Port', `${p.name ?? '<unset>'}  ${p.port ?? ''}/${p.protocol ?? 'TCP'}`]);
        fields.push(['TargetPort', `${str(p.targetPort)}/${p.protocol ?? 'TCP'}`]);
        if (p.nodePort !== undefined)
          fields.push(['NodePort', `${p.name ?? '<unset>'}  ${p.nodePort}/${p.protocol ?? 'TCP'}`]);
      }
      fields.push(['Session Affinity', str(spec.sessionAffinity, 'None')]);
      return metaBlock(obj, base) + pad(fields);
    }
    default: {
      let out = metaBlock(obj, base);
      for (const [key, value] of Object.entries(obj)) {
        if (['apiVersion', 'kind', 'metadata'].includes(key)) continue;
        out += genericValue(key, value, '');
      }
      return out;
    }
  }
}

function genericValue(key: string, value: unknown, indent: string): string {
  const label = key.charAt(0).toUpperCase() + key.slice(1);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return `${indent}${label}:\n`;
    return `${indent}${label}:\n` + entries.map(([k, v]) => genericValue(k, v, `${indent}  `)).join('');
  }
  if (Array.isArray(value)) {
    return (
      `${indent}${label}:\n` +
      value.map((v) => `${indent}  ${typeof v === 'object' ? JSON.stringify(v) : String(v as string)}\n`).join('')
    );
  }
  return `${indent}${label}:  ${str(value, '')}\n`;
}

/** The Events section, newest last, as kubectl prints it (`Events:  <none>` when there are none). */
export function describeEvents(events: readonly EventLike[], now: number): string {
  if (events.length === 0) return 'Events:  <none>\n';
  const time = (e: EventLike) => Date.parse(e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? '') || 0;
  const sorted = [...events].sort((a, b) => time(a) - time(b));
  const rows = [
    ['Type', 'Reason', 'Age', 'From', 'Message'],
    ['----', '------', '----', '----', '-------'],
    ...sorted.map((e) => [
      e.type ?? '',
      e.reason ?? '',
      humanDuration(now - time(e)),
      e.source?.component ?? e.reportingComponent ?? '',
      (e.message ?? '').trim(),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return (
    'Events:\n' +
    rows
      .map((r) => '  ' + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 2))).join(''))
      .join('\n') +
    '\n'
  );
}
