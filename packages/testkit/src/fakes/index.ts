export * from './ad-data';
export * from './meta-graph.fake';
export * from './google-ads.fake';
export * from './s3.fake';
