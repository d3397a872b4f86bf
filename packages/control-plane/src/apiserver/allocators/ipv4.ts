/** IPv4 addresses and CIDR ranges as numbers (for the service IP allocator). */

/** An IPv4 CIDR range: its first address, size and the text it came from. */
export interface Cidr {
  readonly base: number;
  readonly size: number;
  readonly prefix: number;
  readonly text: string;
}

/** The number of a dotted-quad IPv4 address, or undefined when `text` is not one. */
export function parseIPv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (m === null) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255 || ((m[i] as string).length > 1 && (m[i] as string).startsWith('0'))) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

/** The dotted-quad text of an address number. */
export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** A CIDR such as `10.96.0.0/12`; throws an Error with a readable message when malformed. */
export function parseCidr(text: string): Cidr {
  const [ip, bits, ...rest] = text.split('/');
  const prefix = Number(bits);
  const addr = parseIPv4(ip ?? '');
  if (rest.length > 0 || addr === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32 || bits === '') {
    throw new Error(`invalid CIDR address: ${text}`);
  }
  const size = 2 ** (32 - prefix);
  const base = Math.floor(addr / size) * size;
  return { base, size, prefix, text: `${formatIPv4(base)}/${prefix}` };
}

/** Whether `addr` lies in `cidr`. */
export function cidrContains(cidr: Cidr, addr: number): boolean {
  return addr >= cidr.base && addr < cidr.base + cidr.size;
}
