// Core installed at a newer patch than the adapters were built against: with core a peer
// dependency, npm keeps one copy, and the agent passes to every adapter that takes it.
import { defaultMonitorConfig, WebsiteMonitorAgent } from '@website-monitor/core';
import { FakeClock, FakeContainerRuntime } from '@website-monitor/core/testing';
import { createMonitorApi } from '@website-monitor/http-api';

const clock = new FakeClock();
const agent = new WebsiteMonitorAgent({
  config: defaultMonitorConfig(),
  runtime: new FakeContainerRuntime({ clock }),
  clock,
});
const api = createMonitorApi({ agent });
api.close();
console.log(JSON.stringify({ consumer: 'peer-range', api: typeof api.handle }));
