/**
 * The default world: ten countries with their share of the candidate space and the share of
 * their candidates that are registered. Overall about 5.6% of candidates are registered, as
 * in the incident (Gegenhuber et al., NDSS 2026); some countries (Brazil, Mexico, India) far
 * more, some (the US, Pakistan) far less. Shares are illustrative, not measured.
 */
export interface CountrySpec {
  /** ISO 3166-1 alpha-2 code, as libphonenumber names the plan. */
  readonly code: string;
  /** Relative share of the candidate space (normalised over all countries). */
  readonly candidateShare: number;
  /** Share of this country's candidates that are registered, in (0, 1). */
  readonly registeredShare: number;
}

export const DEFAULT_COUNTRIES: readonly CountrySpec[] = [
  { code: 'IN', candidateShare: 0.2, registeredShare: 0.08 },
  { code: 'US', candidateShare: 0.16, registeredShare: 0.015 },
  { code: 'ID', candidateShare: 0.12, registeredShare: 0.06 },
  { code: 'BR', candidateShare: 0.1, registeredShare: 0.11 },
  { code: 'PK', candidateShare: 0.1, registeredShare: 0.025 },
  { code: 'MX', candidateShare: 0.08, registeredShare: 0.09 },
  { code: 'NG', candidateShare: 0.07, registeredShare: 0.035 },
  { code: 'DE', candidateShare: 0.06, registeredShare: 0.055 },
  { code: 'EG', candidateShare: 0.06, registeredShare: 0.045 },
  { code: 'GB', candidateShare: 0.05, registeredShare: 0.05 },
];

/** The registered share of the whole candidate space these specs imply. */
export function overallRegisteredShare(specs: readonly CountrySpec[]): number {
  let weight = 0;
  let registered = 0;
  for (const c of specs) {
    weight += c.candidateShare;
    registered += c.candidateShare * c.registeredShare;
  }
  return registered / weight;
}
