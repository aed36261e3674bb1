import { BlockList, isIP } from "node:net";

// Which addresses Baton may call (HTTP steps, webhooks, anything that follows a URL a person
// typed). Refused by default: every address that is not on the public internet — loopback,
// private (RFC 1918), carrier-grade NAT, link-local (cloud metadata lives at 169.254.169.254 and
// fd00:ec2::254), unique-local, multicast, reserved, and IPv6 forms that embed an IPv4 address.
// An operator opens exceptions with OUTBOUND_ALLOW_HOSTS: host names (exact, or `*.example.com`
// for the subdomains) and IP addresses or CIDR ranges.

const BLOCKED_V4: [string, number][] = [
  ["0.0.0.0", 8], // "this network"; 0.0.0.0 reaches the local host
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments (incl. 192.0.0.192 Oracle metadata)
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
];
const BLOCKED_V6: [string, number][] = [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["::ffff:0:0", 96], // IPv4-mapped: checked as the IPv4 address it carries, refused outright here
  ["64:ff9b::", 96], // NAT64
  ["64:ff9b:1::", 48],
  ["100::", 64], // discard
  ["2001::", 23], // IETF protocol assignments (Teredo, ORCHID…)
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4 embeds an IPv4 address
  ["fc00::", 7], // unique-local (incl. fd00:ec2::254, AWS metadata over IPv6)
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
];

const blocked = new BlockList();
for (const [net, prefix] of BLOCKED_V4) blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of BLOCKED_V6) blocked.addSubnet(net, prefix, "ipv6");

/** Names that always mean this machine or a metadata service, whatever DNS says. */
const BLOCKED_NAMES = /^(localhost|.*\.localhost|metadata|metadata\.google\.internal|instance-data|.*\.internal)$/i;

export interface OutboundPolicy {
  /** Exact host names, lower case. */
  hosts: Set<string>;
  /** `*.example.com` entries, kept as ".example.com". */
  suffixes: string[];
  /** Addresses and ranges allowed although they are not public. */
  addresses: BlockList;
  /** The allow-list as written (for messages and docs). */
  source: string;
}

/** Problems with an OUTBOUND_ALLOW_HOSTS value, one per bad entry (empty: valid). */
export function allowListProblems(text: string | undefined): string[] {
  const problems: string[] = [];
  for (const entry of splitList(text)) {
    if (entry.includes("/")) {
      const [ip, bits] = entry.split("/");
      const family = isIP(ip ?? "");
      const n = Number(bits);
      if (!family || !Number.isInteger(n) || n < 0 || n > (family === 4 ? 32 : 128)) problems.push(`"${entry}" is not a CIDR range`);
    } else if (!isIP(entry) && !/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(entry)) {
      problems.push(`"${entry}" is not a host name, IP address or CIDR range`);
    }
  }
  return problems;
}

/** Problems with a list of IP addresses and CIDR ranges (TRUSTED_PROXIES), one per bad entry. */
export function addressListProblems(text: string | undefined): string[] {
  return splitList(text).flatMap((entry) => {
    if (!entry.includes("/") && !isIP(entry)) return [`"${entry}" is not an IP address or CIDR range`];
    return allowListProblems(entry);
  });
}

/** A BlockList of the addresses and ranges listed (already validated). */
export function addressList(text: string | undefined): BlockList {
  return parseAllowList(text).addresses;
}

function splitList(text: string | undefined): string[] {
  return (text ?? "")
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseAllowList(text: string | undefined): OutboundPolicy {
  const policy: OutboundPolicy = { hosts: new Set(), suffixes: [], addresses: new BlockList(), source: text ?? "" };
  for (const entry of splitList(text)) {
    if (entry.includes("/")) {
      const [ip, bits] = entry.split("/") as [string, string];
      policy.addresses.addSubnet(ip, Number(bits), isIP(ip) === 6 ? "ipv6" : "ipv4");
    } else if (isIP(entry)) {
      policy.addresses.addAddress(entry, isIP(entry) === 6 ? "ipv6" : "ipv4");
    } else if (entry.startsWith("*.")) {
      policy.suffixes.push(entry.slice(1).toLowerCase());
    } else {
      policy.hosts.add(entry.toLowerCase());
    }
  }
  return policy;
}

/** A host name the operator allowed by name (its addresses are then not checked). */
export function hostAllowed(policy: OutboundPolicy, host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return policy.hosts.has(h) || policy.suffixes.some((s) => h.endsWith(s));
}

function family(ip: string): "ipv4" | "ipv6" {
  return isIP(ip) === 6 ? "ipv6" : "ipv4";
}

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) carries, else null. */
function mappedV4(ip: string): string | null {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : null;
}

/** Why this address may not be called under the policy, or null when it may. */
export function addressRefusal(policy: OutboundPolicy, ip: string): string | null {
  const v4 = mappedV4(ip);
  const addr = v4 ?? ip;
  const fam = family(addr);
  if (policy.addresses.check(addr, fam)) return null;
  if (blocked.check(addr, fam)) return `${ip} is not a public address`;
  return null;
}

/** Why this host (as written in a URL) may not be called, judged without DNS; null when DNS decides. */
export function hostRefusal(policy: OutboundPolicy, host: string): string | null {
  const h = host.replace(/^\[|\]$/g, "");
  if (hostAllowed(policy, h)) return null;
  if (isIP(h)) return addressRefusal(policy, h);
  if (BLOCKED_NAMES.test(h)) return `${h} names a local or metadata host`;
  return null;
}
