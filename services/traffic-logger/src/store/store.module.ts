import { Global, Module } from '@nestjs/common';
import { TRAFFIC_STORE, TrafficStoreCloser, trafficStoreProvider } from './store.provider';

/** The TrafficStore of the process, for every module of the traffic-logger. */
@Global()
@Module({ providers: [trafficStoreProvider, TrafficStoreCloser], exports: [TRAFFIC_STORE] })
export class StoreModule {}
