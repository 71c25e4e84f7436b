/**
 * `@website-monitor/core/internal`: building blocks the website-monitor packages share with each
 * other. Not part of the public API: names here may change or disappear in any release
 * (docs/api.md).
 */
export * from '../index.js';
