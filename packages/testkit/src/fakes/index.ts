export * from './ad-data';
export * from './meta-graph.fake';
export * from './google-ads.fake';
