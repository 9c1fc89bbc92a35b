export {
  createPopulation,
  RECENT_DAYS,
  VISIBLE_ABOUT,
  VISIBLE_PHOTO,
  type CountryInfo,
  type Population,
  type PopulationOptions,
} from './population.ts';
export { DEFAULT_COUNTRIES, overallRegisteredShare, type CountrySpec } from './countries.ts';
export { BLOCK_SIZE, expandPattern, blockIntervals, type KeyInterval } from './pattern-ranges.ts';
export { mobilePlan, type MobilePlan } from './mobile-ranges.ts';
export { BOOK_MEAN } from './address-books.ts';
