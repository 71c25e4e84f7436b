const { bundleAgentProcess } = await import('./src/tmp-bundle.ts');
console.log(await bundleAgentProcess());
await import('./tmp-rss.ts');
