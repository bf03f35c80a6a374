// SSRF guard for outbound deliveries. Only public unicast addresses are reachable, unless an operator
// allow-lists a range (local development, tests). The check runs inside the socket's DNS lookup, on every
// address a name resolves to, so a name cannot pass a check and then resolve elsewhere at connect time.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export class SsrfBlockedError extends Error {
  readonly code = 'SSRF_BLOCKED';

  constructor(readonly target: string, readonly reason: string) {
    super(`outbound request to ${target} refused: ${reason}`);
    this.name = 'SsrfBlockedError';
  }
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

export type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type GuardedLookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

export class SsrfGuard {
  private readonly allowed: Cidr[];

  constructor(allowCidrs: readonly string[]) {
    this.allowed = allowCidrs.map((cidr) => {
      try {
        return ipaddr.parseCIDR(cidr);
      } catch {
        throw new Error(`"${cidr}" is not a CIDR range (use e.g. 127.0.0.0/8 or ::1/128)`);
      }
    });
  }

  /** Why an address may not be reached, or null when it may. */
  refusal(address: string): string | null {
    let parsed: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      parsed = ipaddr.parse(address);
    } catch {
      return `"${address}" is not an IP address`;
    }
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
      parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    }
    if (this.allowed.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits))) return null;
    const range = parsed.range();
    return range === 'unicast' ? null : `${address} is a ${range} address`;
  }

  /** Checks a URL before it is stored or used: scheme, and the host when it is an IP literal. */
  checkUrl(url: string): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new SsrfBlockedError(url, 'not a valid URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new SsrfBlockedError(url, `scheme ${parsed.protocol} is not allowed (http and https only)`);
    }
    if (parsed.username || parsed.password) throw new SsrfBlockedError(url, 'credentials in the URL are not allowed');
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const reason = this.refusal(host);
      if (reason) throw new SsrfBlockedError(url, reason);
    }
  }

  /** Resolves a URL's host and checks every address (creation-time validation of a named host). */
  async checkResolvedUrl(url: string): Promise<void> {
    this.checkUrl(url);
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) return;
    const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
      this.lookup(host, { all: true }, (error, result) => (error ? reject(error) : resolve(result as LookupAddress[]))),
    );
    if (addresses.length === 0) throw new SsrfBlockedError(url, `${host} does not resolve`);
  }

  /**
   * A drop-in for dns.lookup to give an http(s) agent or got's `dnsLookup`: it resolves every address
   * and refuses the connection when any of them is not allowed.
   */
  readonly lookup: GuardedLookup = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, []);
        return;
      }
      for (const { address } of addresses) {
        const reason = this.refusal(address);
        if (reason) {
          callback(new SsrfBlockedError(hostname, `it resolves to ${reason}`), []);
          return;
        }
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]?.address ?? '', addresses[0]?.family);
    });
  };
}
