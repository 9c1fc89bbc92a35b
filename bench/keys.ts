/** Key shapes shared by the decision benchmarks, so every side draws the same callers. */

/** 100,000 addresses in 400 /24 networks. */
export const PER_SUBNET = 250;
/** High enough that no side ever denies: the benchmarks measure the allow path. */
export const NEVER_DENY = 1e9;

/** The i-th client address: 10.x.y.z, PER_SUBNET to a /24. */
export function address(i: number): string {
  const net = Math.floor(i / PER_SUBNET);
  return `10.${(net >>> 8) & 255}.${net & 255}.${(i % PER_SUBNET) + 1}`;
}

/** The /24 the i-th client address lies in. */
export function subnet(i: number): string {
  const net = Math.floor(i / PER_SUBNET);
  return `10.${(net >>> 8) & 255}.${net & 255}.0/24`;
}
