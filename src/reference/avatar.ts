/**
 * A stand-in profile photo: a small SVG whose colour and initial derive from the account, so
 * every photo is distinct and stable, and a harvested photo is recognisably this account's.
 */
export function avatarSvg(account: number, accountId: string): string {
  const hue = (account * 137) % 360;
  const initial = String.fromCharCode(65 + (account % 26));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">` +
    `<title>${accountId}</title><circle cx="48" cy="48" r="48" fill="hsl(${hue},55%,55%)"/>` +
    `<text x="48" y="62" font-size="44" text-anchor="middle" fill="#fff">${initial}</text></svg>`
  );
}
