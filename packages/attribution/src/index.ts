export {
  ATTRIBUTION_VALUE_MAX,
  type Attribution,
  CLICK_ID_KEYS,
  type ClickIds,
  parseAttribution,
  parseClickIds,
  parseReferrer,
  parseUtm,
  type QueryInput,
  type Referrer,
  UTM_KEYS,
  type Utm,
} from './attribution';
export { classifySource, CLICK_ID_PLATFORMS, SOURCE_KINDS, type SourceKind, type TrafficSource } from './source';
