// Compiled only by tsconfig.node16.json, which expects TS1479 here.
import { WebsiteMonitorAgent } from '@website-monitor/core';

console.log(typeof WebsiteMonitorAgent);
