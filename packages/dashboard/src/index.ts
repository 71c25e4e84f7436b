export type { DashboardAsset, DashboardAssets, DashboardManifest } from './assets/dashboard-assets.js';
export { loadDashboardAssets } from './assets/dashboard-assets.js';
export type { DashboardHandler, DashboardHandlerOptions } from './handler/dashboard-handler.js';
export { createDashboardHandler, dashboardContentSecurityPolicy } from './handler/dashboard-handler.js';
