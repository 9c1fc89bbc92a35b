/**
 * E.164 numbers as the API carries them: "+" then the country code and national number,
 * at most 15 digits (ITU-T E.164 section 6), no leading zero. Inside, a number is that digit
 * string read as an integer, which a double holds exactly.
 */
export const MAX_E164_DIGITS = 15;
/** The shortest numbers in service (e.g. some Pacific islands) have 7 digits with the code. */
export const MIN_E164_DIGITS = 7;

/** The number as an integer, or NaN when the text is not "+" and 7 to 15 digits. */
export function parseE164(text: string): number {
  const len = text.length;
  if (len < MIN_E164_DIGITS + 1 || len > MAX_E164_DIGITS + 1 || text.charCodeAt(0) !== 43) return NaN;
  let value = 0;
  for (let i = 1; i < len; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9 || (i === 1 && d === 0)) return NaN;
    value = value * 10 + d;
  }
  return value;
}

export function formatE164(value: number): string {
  return `+${value}`;
}
